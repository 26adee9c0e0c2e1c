package dashboards

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web"
)

type accountPage struct {
	Account *accounts.Account
	Tokens  []accounts.Token
	// NewToken is a token just made, shown this once.
	NewToken, NewTokenName string
	TokenName              string
	Errors                 web.FieldErrors
}

// accountShow is GET /account: who you are, your groups, and your API tokens.
func (h *handler) accountShow(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, accountPage{})
}

func (h *handler) renderAccount(c *fiber.Ctx, status int, p accountPage) error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	p.Account = viewer(c)
	tokens, err := h.Accounts.Tokens(ctx, p.Account.ID)
	if err != nil {
		return err
	}
	p.Tokens = tokens
	title := "Your account"
	if len(p.Errors) > 0 {
		title = "Error: " + title
	}
	return h.views.Render(c, status, "account", web.Page{Title: title, Data: p})
}

// tokenCreate is POST /account/tokens: a new API token acting with the account's role. The
// secret is shown once, on this response, and never stored.
func (h *handler) tokenCreate(c *fiber.Ctx) error {
	name := strings.Clone(strings.TrimSpace(c.FormValue("name")))
	if name == "" || len(name) > 100 {
		var errs web.FieldErrors
		errs.Add("name", "Enter a name for the token, up to 100 characters, such as the script that will use it")
		return h.renderAccount(c, fiber.StatusUnprocessableEntity, accountPage{TokenName: name, Errors: errs})
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	secret, tok, err := h.Accounts.CreateToken(ctx, viewer(c).ID, name)
	if err != nil {
		return err
	}
	if err := h.audit(c, "token.create", name, map[string]any{"token_id": tok.ID}); err != nil {
		return err
	}
	// The page holding the secret must not be cached or replayed by the back button.
	return h.renderAccount(c, fiber.StatusCreated, accountPage{NewToken: secret, NewTokenName: name})
}

// tokenRevoke is POST /account/tokens/:id/revoke; only the account's own tokens.
func (h *handler) tokenRevoke(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := h.Accounts.RevokeToken(ctx, viewer(c).ID, id); errors.Is(err, accounts.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	if err := h.audit(c, "token.revoke", strconv.FormatInt(id, 10), nil); err != nil {
		return err
	}
	return c.Redirect("/account", fiber.StatusSeeOther)
}
