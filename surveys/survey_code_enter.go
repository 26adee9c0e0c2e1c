package surveys

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// codeView is the Data of the "enter your code" page, shared by the survey and the pulse.
type codeView struct {
	basePage
	ID     string // the input's id, for the inline error message
	Action string // where the form posts
	Value  string // what the person typed, shown again on error
	Error  string
	Note   string // a line under the form, for the pulse
	NewURL string // "Start as a new participant", for the survey
}

// surveyCodeForm is GET /s/:token/code: a returning attendee on a new device types the
// code they were given.
func (h *handler) surveyCodeForm(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openInvite(ctx, c)
	if err != nil {
		return err
	}
	return h.renderCode(c, h.surveyCodeView(inv, token, "", nil))
}

// surveyCodeEnter is POST /s/:token/code: a known code is remembered on this device and the
// person goes on to choose the timepoint; anything else is shown again with the reason.
func (h *handler) surveyCodeEnter(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.openInvite(ctx, c)
	if err != nil {
		return err
	}
	return h.rememberCode(ctx, c, inv, surveyURL(token, "/when"), func(raw string, errs []web.FieldError) codeView {
		return h.surveyCodeView(inv, token, raw, errs)
	})
}

// rememberCode checks the typed code: a known one is remembered on this device and the person
// goes on to next; anything else is shown again, in the form view makes, with the reason.
func (h *handler) rememberCode(ctx context.Context, c *fiber.Ctx, inv Invite, next string,
	view func(raw string, errs []web.FieldError) codeView) error {
	raw := strings.Clone(c.FormValue("code"))
	code, errs, err := h.checkCode(ctx, inv, raw)
	if err != nil {
		return err
	}
	if errs != nil {
		return h.renderCode(c, view(raw, errs))
	}
	setCodeCookie(c, inv.GroupCode, code)
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *handler) surveyCodeView(inv Invite, token, raw string, errs []web.FieldError) codeView {
	return codeView{basePage: basePage{Token: token, GroupName: inv.GroupName, Errors: errs}, ID: "code",
		Action: surveyURL(token, "/code"), Value: raw, Error: errorMap(errs)["code"], NewURL: surveyURL(token)}
}

// checkCode reads a typed code as NormaliseCode does (any case, spaces or a hyphen), then
// checks that the group has it, so that a typo does not silently start an unlinked person.
func (h *handler) checkCode(ctx context.Context, inv Invite, raw string) (string, []web.FieldError, error) {
	code, errs := validateCodeFormat(raw)
	if errs != nil {
		return "", errs, nil
	}
	known, err := h.svc.KnownCode(ctx, inv, code)
	if err != nil {
		return "", nil, err
	}
	if !known {
		return "", []web.FieldError{unknownCodeError}, nil
	}
	return code, nil, nil
}

// renderCode shows the code form; it is a form page, so errors keep the 200 status.
func (h *handler) renderCode(c *fiber.Ctx, v codeView) error {
	return h.render(c, fiber.StatusOK, "code_enter", "Enter your code", v)
}
