package surveys

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// pulseSubmit is POST /p/:token: it stores the session pulse under the device's code and
// redirects (303) to the thank-you page. The client id drawn when the page was shown makes
// a doubled submit harmless.
func (h *handler) pulseSubmit(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, code, err := h.withCode(ctx, c, true)
	if err != nil || code == "" {
		return err // no code: already redirected to the start
	}
	f := surveyForm{ClientID: strings.Clone(c.FormValue("client_id")), Answers: map[string]int{}, Texts: map[string]string{}}
	if !clientIDPattern.MatchString(f.ClientID) {
		f.ClientID = newClientID()
	}
	readPage(c, &h.pulse, &f)
	if errs := validatePulse(&h.pulse, &f); errs != nil {
		return h.renderPulse(c, inv, token, &f, errs)
	}
	sub := Submission{InviteToken: inv.InviteToken, ParticipantCode: code, Timepoint: "session",
		SessionNo: inv.SessionNo, Answers: f.Answers, ClientID: f.ClientID}
	if len(f.Texts) > 0 {
		sub.Texts = f.Texts
	}
	res, err := h.svc.Submit(ctx, sub)
	var verr *ValidationError
	switch {
	case errors.As(err, &verr):
		return h.renderPulse(c, inv, token, &f, pulseErrors(&h.pulse, verr))
	case busy(err):
		hidden := append([]hiddenField{{"client_id", f.ClientID}}, f.hidden(nil)...)
		return h.renderBusy(c, busyView{basePage: basePage{Token: token, GroupName: inv.GroupName},
			Action: pulseURL(token), Button: "Send feedback", Hidden: hidden})
	case err != nil:
		return err
	}
	if res.NeedsSupport {
		return c.Redirect(pulseURL(token, "/support"), fiber.StatusSeeOther)
	}
	return c.Redirect(pulseURL(token, "/thanks"), fiber.StatusSeeOther)
}

// pulseErrors maps the service's field errors to the pulse form's fields; errors about no
// field of the form (a crafted post) link to the main content.
func pulseErrors(p *surveyPage, verr *ValidationError) []web.FieldError {
	pages := []surveyPage{*p}
	var errs []web.FieldError
	for _, fe := range verr.Fields {
		id := strings.TrimPrefix(strings.TrimPrefix(fe.Field, "answers."), "texts.")
		if pageOf(pages, id) < 0 {
			id = "maincontent"
		}
		errs = append(errs, web.FieldError{Field: id, Message: fe.Message})
	}
	return errs
}
