package dashboards

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
)

// accountsList is GET /admin/accounts: every staff account with its role and groups. Accounts
// are created and changed with `peerpulse user`, on the server's machine.
func (h *handler) accountsList(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	list, err := h.Accounts.List(ctx)
	if err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, "accounts", web.Page{Title: "Accounts", Data: list})
}
