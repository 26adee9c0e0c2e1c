package surveys

import (
	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// whenView is the Data of the "when are you answering" page.
type whenView struct {
	basePage
	ClientID string
	Choice   radiosView
	Hidden   []hiddenField
}

// timepointLabels and timepointHints describe the questionnaire timepoints to attendees.
var (
	timepointLabels = map[string]string{
		"pre":      "When the group starts",
		"post":     "When the group ends",
		"followup": "Some months after the group ended",
	}
	timepointHints = map[string]string{
		"pre":      "Before or at your first session",
		"post":     "At or after your group's last session",
		"followup": "Only if you have been asked to answer once more",
	}
)

// surveyWhen is GET /s/:token/when: the timepoint, with the one SuggestTimepoint expects
// already chosen (pre for someone who has answered nothing, then post, then followup); the
// person can correct it. It needs the device's code, so a device without one goes back to
// the landing page.
func (h *handler) surveyWhen(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, code, err := h.withCode(ctx, c, false)
	if err != nil || code == "" {
		return err // no code: already redirected to the start
	}
	tp, err := h.svc.SuggestTimepoint(ctx, inv, code)
	if err != nil {
		return err
	}
	f := surveyForm{Timepoint: tp, ClientID: newClientID()}
	return h.renderWhen(c, inv, token, &f, nil)
}

// renderWhen shows the timepoint choice; answers already given ride along hidden, so going
// Back from the first page and on again loses nothing.
func (h *handler) renderWhen(c *fiber.Ctx, inv Invite, token string, f *surveyForm, errs []web.FieldError) error {
	var values, labels, hints []string
	for _, tp := range surveyTimepoints {
		if len(h.plans[tp]) > 0 {
			values = append(values, tp)
			labels = append(labels, timepointLabels[tp])
			hints = append(hints, timepointHints[tp])
		}
	}
	choice := choiceRadios("tp", "When are you answering?", values, labels, hints, f.Timepoint, errorMap(errs)["tp"])
	choice.Heading = true
	choice.Hint = "We have chosen the most likely answer for you. Change it if it is not right."
	v := whenView{basePage: basePage{Token: token, GroupName: inv.GroupName, Errors: errs},
		ClientID: f.ClientID, Choice: choice, Hidden: f.hidden([]string{"tp"})}
	return h.render(c, fiber.StatusOK, "when", "When are you answering?", v)
}
