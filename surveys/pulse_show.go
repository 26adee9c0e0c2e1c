package surveys

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// pulseView is the Data of the session pulse page.
type pulseView struct {
	basePage
	Session   string
	Intro     string
	ClientID  string
	Questions []radiosView
	Texts     []textView
}

// pulseShow is GET /p/:token, the link handed out at the end of a session: three quick
// questions and an optional comment on one page. A device without the group's code is
// asked to type it first.
func (h *handler) pulseShow(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openPulse(ctx, c)
	if err != nil {
		return err
	}
	code, err := h.deviceCode(ctx, c, inv)
	if err != nil {
		return err
	}
	if code == "" {
		return h.renderCode(c, pulseCodeView(inv, token, "", nil))
	}
	f := surveyForm{ClientID: newClientID()}
	return h.renderPulse(c, inv, token, &f, nil)
}

// openPulse resolves the :token of a pulse link to a session of an open group.
func (h *handler) openPulse(ctx context.Context, c *fiber.Ctx) (Invite, string, error) {
	inv, token, err := h.anyInvite(ctx, c, h.svc.PulseInvite)
	if err != nil {
		return Invite{}, "", err
	}
	if inv.Closed {
		return Invite{}, "", ErrClosed
	}
	return inv, token, nil
}

// renderPulse shows the pulse with the answers given so far and errs beside their fields.
func (h *handler) renderPulse(c *fiber.Ctx, inv Invite, token string, f *surveyForm, errs []web.FieldError) error {
	p := &h.pulse
	msgs := errorMap(errs)
	v := pulseView{basePage: basePage{Token: token, GroupName: inv.GroupName, Errors: errs},
		Session: sessionTitle(inv), ClientID: f.ClientID}
	if p.Instrument != nil {
		v.Intro = p.Instrument.Intro
	}
	for _, it := range p.Items {
		v.Questions = append(v.Questions, itemRadios(it, f.Answers[it.ID], msgs[it.ID]))
	}
	for _, t := range p.Texts {
		tv := textInput(t, f.Texts[t.ID], msgs[t.ID])
		tv.Hint = "Please do not include names or anything else that could identify you or someone else."
		v.Texts = append(v.Texts, tv)
	}
	return h.render(c, fiber.StatusOK, "pulse", sessionTitle(inv), v)
}

// sessionTitle names the session, e.g. "Session 3: Looking after yourself".
func sessionTitle(inv Invite) string {
	if inv.Topic == "" {
		return fmt.Sprintf("Session %d", inv.SessionNo)
	}
	return fmt.Sprintf("Session %d: %s", inv.SessionNo, inv.Topic)
}
