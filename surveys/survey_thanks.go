package surveys

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// thanksView is the Data of the thank-you page.
type thanksView struct {
	basePage
	Saved string
	Next  []string
	Code  string // display form of the device's code, as a reminder
}

// whatNext says what happens after each timepoint.
var whatNext = map[string][]string{
	"pre": {
		"When your group ends, your facilitator will send you this link again so you can answer the same questions.",
		"Comparing the two sets of answers shows whether peer support groups help reduce burnout.",
	},
	"post": {
		"Comparing your answers now with your answers from the start shows whether peer support groups help reduce burnout.",
		"Some months from now you may be asked to answer once more.",
	},
	"followup": {
		"This was the last time we will ask. Thank you for helping us find out whether peer support groups help NHS staff.",
	},
}

// surveyThanks is GET /s/:token/thanks: the answers are saved; what happens next, and a
// reminder of the code. It is shown even if the group closed a moment ago.
func (h *handler) surveyThanks(c *fiber.Ctx) error {
	ctx, cancel := requestContext()
	defer cancel()
	inv, token, err := h.anyInvite(ctx, c, h.svc.Invite)
	if err != nil {
		return err
	}
	next, ok := whatNext[c.Query("tp")]
	if !ok {
		next = whatNext["pre"]
	}
	v := thanksView{basePage: basePage{Token: token, GroupName: inv.GroupName},
		Saved: "Your answers have been saved", Next: next}
	if code := cookieCode(c, inv.GroupCode); code != "" {
		v.Code = DisplayCode(code)
	}
	return h.render(c, fiber.StatusOK, "thanks", "Thank you", v)
}

// anyInvite resolves the :token of a link with lookup (Service.Invite or PulseInvite),
// closed groups included: pages shown after an answer was stored must not fail because the
// group closed in between. The token is copied, as Fiber reuses the request's memory.
func (h *handler) anyInvite(ctx context.Context, c *fiber.Ctx, lookup func(context.Context, string) (Invite, error)) (Invite, string, error) {
	token := utils.CopyString(c.Params("token"))
	inv, err := lookup(ctx, token)
	if err != nil {
		return Invite{}, "", err
	}
	return inv, token, nil
}
