package accounts

import (
	"context"
	"fmt"
	"strings"
)

// Change is one account command as `peerpulse user` gives it; the same value is applied to the
// file directly or, while the server holds it, sent to the server, so both paths behave alike.
type Change struct {
	Action   string   `json:"action"` // add, passwd, disable or list
	Email    string   `json:"email,omitempty"`
	Role     string   `json:"role,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	Password string   `json:"password,omitempty"`
}

// Actions are the account commands, in the order help lists them.
var Actions = []string{"add", "passwd", "list", "disable"}

// NeedsPassword reports whether the action sets a password.
func (ch Change) NeedsPassword() bool { return ch.Action == "add" || ch.Action == "passwd" }

// Apply carries out ch. It returns the accounts for list, and the changed account otherwise.
func (s *Store) Apply(ctx context.Context, ch Change) ([]Account, error) {
	switch ch.Action {
	case "list":
		return s.List(ctx)
	case "add":
		a, err := s.Add(ctx, ch.Email, ch.Role, ch.Groups, ch.Password)
		if err != nil {
			return nil, err
		}
		return []Account{a}, nil
	case "passwd":
		return nil, s.SetPassword(ctx, ch.Email, ch.Password)
	case "disable":
		return nil, s.Disable(ctx, ch.Email)
	}
	return nil, fmt.Errorf("unknown account action %q: use %s", ch.Action, strings.Join(Actions, ", "))
}
