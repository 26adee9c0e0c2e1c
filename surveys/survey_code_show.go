package surveys

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// codeIssuedView is the Data of the "your code" page.
type codeIssuedView struct {
	basePage
	Code    string // display form, e.g. ACD-347
	Spelled string // for screen readers, one character at a time
}

// surveyCodeShow is GET /s/:token/your-code: the newly issued code, big and clear, with
// advice to keep it. A device without a code is sent to the landing page.
func (h *handler) surveyCodeShow(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, code, err := h.withCode(ctx, c, false)
	if err != nil || code == "" {
		return err // no code: already redirected to the start
	}
	v := codeIssuedView{basePage: basePage{Token: token, GroupName: inv.GroupName},
		Code: DisplayCode(code), Spelled: spell(code)}
	return h.render(c, fiber.StatusOK, "code_issued", "Your code", v)
}

// spell separates the characters of a code with spaces, so that a screen reader reads
// "A C D 3 4 7" rather than guessing at a word and a number.
func spell(code string) string {
	return strings.Join(strings.Split(code, ""), " ")
}
