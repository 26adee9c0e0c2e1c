package surveys

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
)

// surveyStart is POST /s/:token/start, the consent step of a new attendee: it issues a code,
// remembers it on this device and shows it (post/redirect/get, so a reload issues no second
// code).
func (h *handler) surveyStart(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openInvite(ctx, c)
	if err != nil {
		return err
	}
	consent := c.FormValue("consent") == "yes"
	if errs := validateConsent(consent); errs != nil {
		return h.renderLanding(c, inv, token, "", consent, errs)
	}
	code, err := h.svc.IssueCode(ctx, inv)
	if busy(err) {
		return h.renderBusy(c, busyView{Action: surveyURL(token, "/start"), Button: "Start",
			Hidden: []hiddenField{{"consent", "yes"}}})
	}
	if err != nil {
		return err
	}
	setCodeCookie(c, inv.GroupCode, code)
	return c.Redirect(surveyURL(token, "/your-code"), fiber.StatusSeeOther)
}

// busy reports whether err means the writer cannot take the request now but will soon.
func busy(err error) bool {
	return errors.Is(err, ingest.ErrQueueFull) || errors.Is(err, ingest.ErrWriterClosed)
}

// busyView is the Data of the busy page: the form to send again, with everything it held.
type busyView struct {
	basePage
	Action string
	Button string
	Hidden []hiddenField
}

// renderBusy answers 503 with a page that keeps the person's answers and lets them press
// the same button again; Retry-After tells programs when.
func (h *handler) renderBusy(c *fiber.Ctx, v busyView) error {
	c.Set(fiber.HeaderRetryAfter, "1")
	return h.render(c, fiber.StatusServiceUnavailable, "busy", "The service is busy", v)
}
