package surveys

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// pulseCodeEnter is POST /p/:token/code: someone opening a pulse link on a device without
// the group's code types it; a known code is remembered and the pulse shown.
func (h *handler) pulseCodeEnter(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openPulse(ctx, c)
	if err != nil {
		return err
	}
	return h.rememberCode(ctx, c, inv, pulseURL(token), func(raw string, errs []web.FieldError) codeView {
		return pulseCodeView(inv, token, raw, errs)
	})
}

// pulseCodeView is the code form of a pulse link. It offers no "start as new": a code comes
// from the group's survey link, which the pulse link does not reveal.
func pulseCodeView(inv Invite, token, raw string, errs []web.FieldError) codeView {
	return codeView{basePage: basePage{Token: token, GroupName: inv.GroupName, Errors: errs}, ID: "code",
		Action: pulseURL(token, "/code"), Value: raw, Error: errorMap(errs)["code"],
		Note: "If you have not answered this group's survey yet, open the survey link your facilitator sent you first: it gives you a code."}
}

// pulseURL is the path of a page of the pulse token.
func pulseURL(token string, parts ...string) string {
	return "/p/" + token + strings.Join(parts, "")
}
