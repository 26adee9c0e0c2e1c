package surveys

import "github.com/gofiber/fiber/v2"

// supportView is the Data of the support page.
type supportView struct {
	basePage
	Options []SupportOption
	Code    string
}

// surveySupport is GET /s/:token/support, shown instead of the thank-you page when the
// answers suggest a lot of strain (INSTRUMENTS.md §8). It is calm: no alarm, no red, and it
// says plainly that nothing about it is stored and nobody will call. The redirect to it
// carries nothing, so the page cannot reveal anyone's answers.
func (h *handler) surveySupport(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.anyInvite(ctx, c, h.svc.Invite)
	if err != nil {
		return err
	}
	return h.renderSupport(c, inv, token)
}

// renderSupport lists the programme's support options: name, detail, contact as text and
// the web address as a link (html/template refuses javascript: and similar addresses).
func (h *handler) renderSupport(c *fiber.Ctx, inv Invite, token string) error {
	v := supportView{basePage: basePage{Token: token, GroupName: inv.GroupName}, Options: h.svc.Support()}
	if code := cookieCode(c, inv.GroupCode); code != "" {
		v.Code = DisplayCode(code)
	}
	return h.render(c, fiber.StatusOK, "support", "Support is available", v)
}
