package surveys

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// landingView is the Data of the landing page.
type landingView struct {
	basePage
	// Code is the display form of the code this device holds; empty for a new attendee,
	// who sees the consent step instead of "Welcome back".
	Code        string
	Instruments []*instrument.Instrument
	Consent     checkboxView
}

// surveyShow is GET /s/:token, the invite link: what the survey is for, who sees what, the
// questionnaires' citations, and the consent step, or "Welcome back" on a device that
// already holds a code for this group.
func (h *handler) surveyShow(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openInvite(ctx, c)
	if err != nil {
		return err
	}
	code, err := h.deviceCode(ctx, c, inv)
	if err != nil {
		return err
	}
	return h.renderLanding(c, inv, token, code, false, nil)
}

// renderLanding shows the landing page, with errors when the consent step was not accepted.
func (h *handler) renderLanding(c *fiber.Ctx, inv Invite, token, code string, consent bool, errs []web.FieldError) error {
	v := landingView{
		basePage:    basePage{Token: token, GroupName: inv.GroupName, Errors: errs},
		Instruments: instrumentsOf(h.plans),
		Consent: checkboxView{ID: "consent", Name: "consent", Legend: "Do you agree to take part?",
			Label: "I agree to take part", Checked: consent, Error: errorMap(errs)["consent"]},
	}
	if code != "" {
		v.Code = DisplayCode(code)
	}
	return h.render(c, fiber.StatusOK, "landing", "Survey for "+inv.GroupName, v)
}

// openInvite resolves the :token of an invite link to an open group.
func (h *handler) openInvite(ctx context.Context, c *fiber.Ctx) (Invite, string, error) {
	inv, token, err := h.anyInvite(ctx, c, h.svc.Invite)
	if err != nil {
		return Invite{}, "", err
	}
	if inv.Closed {
		return Invite{}, "", ErrClosed
	}
	return inv, token, nil
}

// surveyURL is the path of an attendee page of the invite token.
func surveyURL(token string, parts ...string) string {
	return "/s/" + token + strings.Join(parts, "")
}
