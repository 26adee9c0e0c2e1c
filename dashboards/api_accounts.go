package dashboards

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web"
)

// apiAccounts is POST /api/v1/accounts, for `peerpulse user` while the server holds the
// database file: it applies one accounts.Change and audits it as the CLI.
func (h *handler) apiAccounts(c *fiber.Ctx) error {
	var ch accounts.Change
	if err := json.Unmarshal(c.Body(), &ch); err != nil { // Unmarshal copies every string
		return web.NewProblem(fiber.StatusBadRequest, "The body is not an account change: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	list, err := h.Accounts.Apply(ctx, ch)
	if err != nil {
		var status = fiber.StatusUnprocessableEntity
		if errors.Is(err, accounts.ErrNotFound) {
			status = fiber.StatusNotFound
		}
		return web.NewProblem(status, err.Error())
	}
	if ch.Action != "list" {
		if err := h.audit(c, "user."+ch.Action, ch.Email, map[string]any{"role": ch.Role, "groups": ch.Groups}); err != nil {
			return err
		}
	}
	return c.JSON(list)
}
