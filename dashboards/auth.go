package dashboards

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// sessionCookie holds a signed-in member of staff's session secret.
const sessionCookie = "pp_session"

// cliActor is the viewer when peerpulse's own commands call a route that allows them.
const cliActor = "cli"

type accountKey struct{}

// viewer returns who is making the request: the staff account that allow() let in, or a
// pseudo-account with Email "cli" for peerpulse's own commands.
func viewer(c *fiber.Ctx) *accounts.Account {
	a, _ := c.Locals(accountKey{}).(*accounts.Account)
	return a
}

// staff registers a route that staff with one of roles may use (and peerpulse's own commands
// when cli is set): the decision is enforced by allow and recorded as the route's name, so the
// route-walk test sees every decision.
func (h *handler) staff(r fiber.Router, method, path string, cli bool, roles []string, handlers ...fiber.Handler) {
	chain := append([]fiber.Handler{h.allow(cli, roles)}, handlers...)
	r.Add(method, path, chain...).Name(web.StaffAccess(cli, roles...))
}

// allow lets a request through only from a signed-in account with one of roles (or, when cli
// is set, from peerpulse's own commands). Anonymous people are sent to sign in, programs get
// 401; the wrong role gets 403.
func (h *handler) allow(cli bool, roles []string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := h.identify(c, cli)
		if err != nil {
			return err
		}
		if a == nil {
			return h.unauthenticated(c)
		}
		if a.Email != cliActor || a.Role != cliActor {
			if !slices.Contains(roles, a.Role) {
				return web.NewProblem(fiber.StatusForbidden, "Your role does not give access to this page.")
			}
			web.SetSignedIn(c, h.signedIn(a))
		}
		c.Locals(accountKey{}, a)
		return c.Next()
	}
}

// identify finds who is asking: a bearer token (an API token, or the CLI token where allowed),
// else the session cookie. State-changing API requests must carry a bearer token: a cookie is
// not accepted there, because the API has no CSRF check.
func (h *handler) identify(c *fiber.Ctx, cli bool) (*accounts.Account, error) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if auth := strings.TrimSpace(c.Get(fiber.HeaderAuthorization)); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return nil, h.badBearer(c)
		}
		if cli && len(h.CLISecret) > 0 && subtle.ConstantTimeCompare([]byte(secret), []byte(web.CLIToken(h.CLISecret))) == 1 {
			return &accounts.Account{Email: cliActor, Role: cliActor}, nil
		}
		a, err := h.Accounts.TokenAccount(ctx, strings.TrimSpace(secret))
		if errors.Is(err, accounts.ErrNoSession) {
			return nil, h.badBearer(c)
		}
		return &a, err
	}
	if web.IsAPI(c) && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return nil, nil
	}
	secret := c.Cookies(sessionCookie)
	if secret == "" {
		return nil, nil
	}
	a, err := h.Accounts.SessionAccount(ctx, secret, h.SessionLimits)
	if errors.Is(err, accounts.ErrNoSession) {
		h.clearSessionCookie(c)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func (h *handler) badBearer(c *fiber.Ctx) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="peerpulse", error="invalid_token"`)
	return web.NewProblem(fiber.StatusUnauthorized, "The API token is not valid: it may have been revoked, or its account disabled.")
}

// unauthenticated sends a person to the sign-in page, coming back here afterwards; a program
// gets 401.
func (h *handler) unauthenticated(c *fiber.Ctx) error {
	if web.IsAPI(c) || c.Method() != fiber.MethodGet || c.Accepts(fiber.MIMETextHTML) == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="peerpulse"`)
		return web.NewProblem(fiber.StatusUnauthorized, "Sign in, or send an API token as Authorization: Bearer <token>.")
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

// asCLI marks a request that web.RequireCLIToken let through as peerpulse's own commands, so
// what it does is audited as "cli".
func (h *handler) asCLI(c *fiber.Ctx) error {
	c.Locals(accountKey{}, &accounts.Account{Email: cliActor, Role: cliActor})
	return c.Next()
}

// ownGroup refuses a facilitator any group route (":group") of a group they do not run, with
// the same 403 whether or not the group exists.
func (h *handler) ownGroup(c *fiber.Ctx) error {
	a := viewer(c)
	if a != nil && a.Role == accounts.Facilitator && !slices.Contains(a.Groups, c.Params("group")) {
		return web.NewProblem(fiber.StatusForbidden, "You can only see the groups you facilitate.")
	}
	return c.Next()
}

func (h *handler) setSessionCookie(c *fiber.Ctx, secret string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: secret, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.SecureCookies || c.Protocol() == "https"})
}

func (h *handler) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, MaxAge: -1,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.SecureCookies || c.Protocol() == "https"})
}

// roleHome is where each role lands after signing in.
func roleHome(role string) string {
	switch role {
	case accounts.Admin, accounts.Facilitator:
		return "/console"
	case accounts.Evaluator, accounts.Funder:
		return "/dashboards"
	default:
		return "/account"
	}
}

// signedIn is the header's view of a: who, and the links the role may follow.
func (h *handler) signedIn(a *accounts.Account) *web.SignedIn {
	var links []web.NavLink
	switch a.Role {
	case accounts.Admin:
		links = []web.NavLink{{Href: "/console", Text: "Programme console"}, {Href: "/console/paper", Text: "Paper questionnaires"},
			{Href: "/admin/audit", Text: "Audit log"}, {Href: "/admin/accounts", Text: "Accounts"}}
	case accounts.Facilitator:
		links = []web.NavLink{{Href: "/console", Text: "Your groups"}, {Href: "/console/paper", Text: "Paper questionnaires"}}
	}
	if slices.Contains(impactUsers, a.Role) {
		links = append([]web.NavLink{{Href: "/dashboards", Text: "Dashboards"}}, links...)
	}
	links = append(links, web.NavLink{Href: "/account", Text: "Your account"})
	return &web.SignedIn{Email: a.Email, Role: a.Role, Links: links}
}

// audit records what the viewer did. An audit failure fails the request: an action that
// cannot be audited should not happen silently.
func (h *handler) audit(c *fiber.Ctx, action, target string, detail map[string]any) error {
	actor := "anonymous"
	if a := viewer(c); a != nil {
		actor = a.Email
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	return h.DB.Audit(ctx, ingest.AuditEntry{Actor: actor, Action: action, Target: target, Detail: detail})
}
