package surveys

import "github.com/gofiber/fiber/v2"

// surveyCodeForget is POST /s/:token/forget ("Not you? Use a different code"): the device
// forgets the group's code, and the landing page offers to start as a new participant or
// to type another code. Nothing is deleted: the code and its answers stay in the programme.
func (h *handler) surveyCodeForget(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openInvite(ctx, c)
	if err != nil {
		return err
	}
	clearCodeCookie(c, inv.GroupCode)
	return c.Redirect(surveyURL(token), fiber.StatusSeeOther)
}
