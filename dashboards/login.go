package dashboards

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web"
)

// loginForm is the sign-in form, as typed (Fiber's strings copied).
type loginForm struct {
	Email, Next string
	Errors      web.FieldErrors
	SignedOut   bool
}

// loginShow is GET /login.
func (h *handler) loginShow(c *fiber.Ctx) error {
	f := loginForm{Next: safeNext(c.Query("next")), SignedOut: c.Query("signed_out") != ""}
	return h.views.Render(c, fiber.StatusOK, "login", web.Page{Title: "Sign in", Data: f})
}

// loginSubmit is POST /login. Every failure reads the same, whether the email has an account
// or not; repeated failures for one email or from one address wait longer and longer.
func (h *handler) loginSubmit(c *fiber.Ctx) error {
	f := loginForm{Email: strings.Clone(strings.TrimSpace(c.FormValue("email"))), Next: safeNext(c.FormValue("next"))}
	password := c.FormValue("password")
	if f.Email == "" {
		f.Errors.Add("email", "Enter your email address")
	}
	if password == "" {
		f.Errors.Add("password", "Enter your password")
	}
	if len(f.Errors) > 0 {
		return h.loginAgain(c, fiber.StatusUnprocessableEntity, f)
	}
	acctKey, addrKey := "account:"+strings.ToLower(f.Email), "address:"+c.IP()
	if wait := max(h.Throttle.Wait(acctKey), h.Throttle.Wait(addrKey)); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Errors.Add("email", "Too many attempts to sign in. Wait "+humanWait(wait)+", then try again")
		return h.loginAgain(c, fiber.StatusTooManyRequests, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	a, err := h.Accounts.Authenticate(ctx, f.Email, password)
	if errors.Is(err, accounts.ErrBadCredentials) {
		h.Throttle.Fail(acctKey)
		h.Throttle.Fail(addrKey)
		if err := h.audit(c, "login.failed", strings.ToLower(f.Email), nil); err != nil {
			return err
		}
		f.Errors.Add("email", "The email address or password is not right")
		return h.loginAgain(c, fiber.StatusUnauthorized, f)
	}
	if err != nil {
		return err
	}
	h.Throttle.Succeed(acctKey)
	h.Throttle.Succeed(addrKey)
	secret, err := h.Accounts.StartSession(ctx, a.ID, h.SessionLimits)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, secret)
	c.Locals(accountKey{}, &a)
	if err := h.audit(c, "login", a.Email, map[string]any{"role": a.Role}); err != nil {
		return err
	}
	next := f.Next
	if next == "" {
		next = roleHome(a.Role)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *handler) loginAgain(c *fiber.Ctx, status int, f loginForm) error {
	return h.views.Render(c, status, "login", web.Page{Title: "Error: Sign in", Data: f})
}

// logout is POST /logout: the session ends on the server, not only in the browser.
func (h *handler) logout(c *fiber.Ctx) error {
	if secret := c.Cookies(sessionCookie); secret != "" {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		a, err := h.Accounts.SessionAccount(ctx, secret, h.SessionLimits)
		if err == nil {
			c.Locals(accountKey{}, &a)
			if err := h.audit(c, "logout", a.Email, nil); err != nil {
				return err
			}
		}
		if err := h.Accounts.EndSession(ctx, secret); err != nil {
			return err
		}
	}
	h.clearSessionCookie(c)
	return c.Redirect("/login?signed_out=1", fiber.StatusSeeOther)
}

// safeNext keeps a post-sign-in destination only if it is a path on this site: an open
// redirect would let a phishing link borrow our sign-in page.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return ""
	}
	return strings.Clone(next)
}

// humanWait says a wait in words a person reads at a glance.
func humanWait(d time.Duration) string {
	if d <= time.Minute {
		return fmt.Sprintf("%d seconds", int(math.Ceil(d.Seconds())))
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}
