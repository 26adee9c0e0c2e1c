package surveys

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// surveyForm is the whole questionnaire as the attendee's browser carries it. The server keeps
// no session: every page posts every answer given so far (hidden inputs for the pages not on
// screen), so Back, a reload or a server restart loses nothing and nothing half-answered is
// ever stored.
type surveyForm struct {
	Timepoint   string
	Page        int // 0 is the "when" page; 1..n the questionnaire pages
	ClientID    string
	Back        bool
	Answers     map[string]int    // item id → code 1..N
	Skipped     map[string]bool   // skippable scale id → skipped
	Texts       map[string]string // free-text field id → text
	Profession  string
	CareerStage string
}

// hiddenField is one name=value pair a page carries without showing it.
type hiddenField struct{ Name, Value string }

// skipField is the form name of a scale's skip checkbox.
func skipField(scaleID string) string { return "skip-" + scaleID }

// newClientID draws the idempotency key of one questionnaire: a retried or doubled submit
// with the same key is stored once.
func newClientID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24; it crashes instead
	return hex.EncodeToString(b)
}

// parseSurveyForm reads the posted form. Only the fields of known questions are read, so a
// crafted post cannot grow the maps; malformed codes count as unanswered and the page asks
// again. Every kept string is copied, because Fiber reuses the request's memory.
func (h *handler) parseSurveyForm(c *fiber.Ctx) surveyForm {
	f := surveyForm{
		Timepoint:   strings.Clone(c.FormValue("tp")),
		ClientID:    strings.Clone(c.FormValue("client_id")),
		Back:        c.FormValue("action") == "back",
		Answers:     map[string]int{},
		Skipped:     map[string]bool{},
		Texts:       map[string]string{},
		Profession:  strings.Clone(c.FormValue("profession")),
		CareerStage: strings.Clone(c.FormValue("career_stage")),
	}
	if !clientIDPattern.MatchString(f.ClientID) {
		f.ClientID = newClientID()
	}
	f.Page, _ = strconv.Atoi(c.FormValue("page"))
	f.Page = min(max(f.Page, 0), len(h.plans[f.Timepoint]))
	// Answers are read for every timepoint's questions: the "when" page may change the
	// timepoint, and answers to questions asked at both are kept.
	for _, tp := range surveyTimepoints {
		for _, p := range h.plans[tp] {
			readPage(c, &p, &f)
		}
	}
	return f
}

// readPage reads the answers to one page's questions into f.
func readPage(c *fiber.Ctx, p *surveyPage, f *surveyForm) {
	for _, it := range p.Items {
		if code, err := strconv.Atoi(c.FormValue(it.ID)); err == nil && code >= 1 && code <= it.Options.Len() {
			f.Answers[it.ID] = code
		}
	}
	for _, t := range p.Texts {
		if v := formText(c, t.ID); v != "" {
			f.Texts[t.ID] = v
		}
	}
	if p.skippable() && c.FormValue(skipField(p.Scale.ID)) == "yes" {
		f.Skipped[p.Scale.ID] = true
	}
}

// formText reads a free-text field as the person typed it: browsers send line breaks as
// CRLF, but count them as one character, as the character count does.
func formText(c *fiber.Ctx, name string) string {
	v := strings.ReplaceAll(c.FormValue(name), "\r\n", "\n")
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return strings.Clone(v)
}

// shown lists the form names a page shows as inputs; everything else is carried hidden.
func (p *surveyPage) shown() []string {
	var names []string
	for _, it := range p.Items {
		names = append(names, it.ID)
	}
	for _, t := range p.Texts {
		names = append(names, t.ID)
	}
	if p.skippable() {
		names = append(names, skipField(p.Scale.ID))
	}
	if p.About {
		names = append(names, "profession", "career_stage")
	}
	return names
}

// hidden returns the answers to carry as hidden inputs, leaving out the names shown on the
// page, in a stable order.
func (f *surveyForm) hidden(shown []string) []hiddenField {
	var out []hiddenField
	add := func(name, value string) {
		if value != "" && !slices.Contains(shown, name) {
			out = append(out, hiddenField{name, value})
		}
	}
	for _, id := range sortedKeys(f.Answers) {
		add(id, strconv.Itoa(f.Answers[id]))
	}
	for _, id := range sortedKeys(f.Skipped) {
		add(skipField(id), "yes")
	}
	for _, id := range sortedKeys(f.Texts) {
		add(id, f.Texts[id])
	}
	add("profession", f.Profession)
	add("career_stage", f.CareerStage)
	return out
}

// submission is what the questionnaire stores: the answers to the timepoint's questions
// only, without those of skipped scales, and the descriptors only where they are asked.
func (f *surveyForm) submission(pages []surveyPage) Submission {
	sub := Submission{Timepoint: f.Timepoint, ClientID: f.ClientID, Answers: map[string]int{}}
	for _, p := range pages {
		if p.skippable() && f.Skipped[p.Scale.ID] {
			continue
		}
		for _, it := range p.Items {
			if code, ok := f.Answers[it.ID]; ok {
				sub.Answers[it.ID] = code
			}
		}
		for _, t := range p.Texts {
			if v, ok := f.Texts[t.ID]; ok {
				if sub.Texts == nil {
					sub.Texts = map[string]string{}
				}
				sub.Texts[t.ID] = v
			}
		}
	}
	if asksAbout(pages) {
		sub.Profession, sub.CareerStage = f.Profession, f.CareerStage
	}
	return sub
}
