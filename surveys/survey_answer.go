package surveys

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// surveyView is the Data of a questionnaire page.
type surveyView struct {
	basePage
	Timepoint string
	ClientID  string
	Page      int // 1-based
	Pages     int
	Heading   string
	Intro     string
	Citation  string
	Skip      *checkboxView
	Questions []radiosView
	Texts     []textView
	Last      bool
	Hidden    []hiddenField
}

// aboutIntro explains the optional "About your work" page.
const aboutIntro = "These questions are optional. They show whether peer support helps some staff more than others. " +
	"Results are only shown for groups of 5 or more people."

// surveyAnswer is POST /s/:token/survey, every step of the questionnaire. The form carries
// all answers so far; "Continue" checks the page on screen and shows the next one (the last
// page submits), "Back" shows the previous page without checking anything. Page 0 is the
// "when" page.
func (h *handler) surveyAnswer(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, code, err := h.withCode(ctx, c, false)
	if err != nil || code == "" {
		return err // no code: already redirected to the start
	}
	f := h.parseSurveyForm(c)
	pages := h.plans[f.Timepoint]
	switch {
	case f.Page == 0:
		if errs := validateTimepoint(h.plans, f.Timepoint); errs != nil {
			return h.renderWhen(c, inv, token, &f, errs)
		}
		return h.renderPage(c, inv, token, &f, 1, nil)
	case f.Back && f.Page == 1:
		return h.renderWhen(c, inv, token, &f, nil)
	case f.Back:
		return h.renderPage(c, inv, token, &f, f.Page-1, nil)
	}
	if errs := validatePage(&pages[f.Page-1], &f); errs != nil {
		return h.renderPage(c, inv, token, &f, f.Page, errs)
	}
	if f.Page < len(pages) {
		return h.renderPage(c, inv, token, &f, f.Page+1, nil)
	}
	return h.surveySubmit(ctx, c, inv, token, code, &f)
}

// renderPage shows questionnaire page n (1-based) of the form's timepoint with the answers
// given so far checked, and errs beside their questions.
func (h *handler) renderPage(c *fiber.Ctx, inv Invite, token string, f *surveyForm, n int, errs []web.FieldError) error {
	pages := h.plans[f.Timepoint]
	p := &pages[n-1]
	v := surveyView{
		basePage:  basePage{Token: token, GroupName: inv.GroupName, Errors: errs},
		Timepoint: f.Timepoint, ClientID: f.ClientID, Page: n, Pages: len(pages),
		Heading: p.Heading, Last: n == len(pages), Hidden: f.hidden(p.shown()),
	}
	msgs := errorMap(errs)
	if p.About {
		v.Intro = aboutIntro
		v.Questions = aboutQuestions(f, msgs)
	} else {
		v.Intro, v.Citation = p.Instrument.Intro, p.Instrument.Citation
		for _, it := range p.Items {
			v.Questions = append(v.Questions, itemRadios(it, f.Answers[it.ID], msgs[it.ID]))
		}
		for _, t := range p.Texts {
			v.Texts = append(v.Texts, textInput(t, f.Texts[t.ID], msgs[t.ID]))
		}
	}
	if p.skippable() {
		id := skipField(p.Scale.ID)
		v.Skip = &checkboxView{ID: id, Name: id, Label: p.Scale.SkipLabel, Checked: f.Skipped[p.Scale.ID],
			Hint: "If this is you, tick the box and press Continue to skip the questions on this page."}
	}
	title := fmt.Sprintf("%s – page %d of %d", p.Heading, n, len(pages))
	return h.render(c, fiber.StatusOK, "survey", title, v)
}

// aboutQuestions are the optional descriptors. "Prefer not to say" exists because a radio
// cannot be unticked without JavaScript; it stores nothing.
func aboutQuestions(f *surveyForm, msgs map[string]string) []radiosView {
	none := []string{""}
	noneLabel := []string{"Prefer not to say"}
	return []radiosView{
		choiceRadios("profession", "What is your profession?", slices.Concat(Professions, none),
			slices.Concat(sentenceCased(Professions), noneLabel), nil, f.Profession, msgs["profession"]),
		choiceRadios("career_stage", "What stage of your career are you at?", slices.Concat(CareerStages, none),
			slices.Concat(sentenceCased(CareerStages), noneLabel), nil, f.CareerStage, msgs["career_stage"]),
	}
}
