package surveys

import "github.com/gofiber/fiber/v2"

// pulseThanks is GET /p/:token/thanks, after a session pulse was stored.
func (h *handler) pulseThanks(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.anyInvite(ctx, c, h.svc.PulseInvite)
	if err != nil {
		return err
	}
	v := basePage{Token: token, GroupName: inv.GroupName}
	return h.render(c, fiber.StatusOK, "pulse_thanks", "Thank you for your feedback", v)
}

// pulseSupport is GET /p/:token/support: the support page after a pulse whose answers
// cross a safeguarding rule. The shipped pulse has none, but a programme's may.
func (h *handler) pulseSupport(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.anyInvite(ctx, c, h.svc.PulseInvite)
	if err != nil {
		return err
	}
	return h.renderSupport(c, inv, token)
}
