package surveys

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// codeCookieMaxAge keeps the code on the device for 400 days, the longest browsers allow, so
// a programme's pre, post and follow-up answers can all come from one phone without retyping.
const codeCookieMaxAge = 400 * 24 * 60 * 60

// codeCookieName is one cookie per group, so a person in two groups holds two codes. Group
// codes are [A-Za-z0-9_-], which are all valid in a cookie name.
func codeCookieName(groupCode string) string { return "pp_" + groupCode }

// setCodeCookie remembers the attendee's code on this device. HttpOnly because no script
// needs it; SameSite=Lax so another site cannot submit answers under it. The value is a
// pseudonym and is never logged.
func setCodeCookie(c *fiber.Ctx, groupCode, code string) {
	c.Cookie(&fiber.Cookie{
		Name:     codeCookieName(groupCode),
		Value:    code,
		Path:     "/",
		MaxAge:   codeCookieMaxAge,
		Secure:   c.Protocol() == "https",
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// clearCodeCookie forgets the code on this device ("Not you? Use a different code").
// An expiry in the past deletes a cookie in every browser.
func clearCodeCookie(c *fiber.Ctx, groupCode string) {
	c.Cookie(&fiber.Cookie{
		Name:     codeCookieName(groupCode),
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		Secure:   c.Protocol() == "https",
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// cookieCode returns the well-formed code this device holds for the group, or "".
// The value is copied: Fiber reuses the request's memory once the handler returns.
func cookieCode(c *fiber.Ctx, groupCode string) string {
	code, msg := NormaliseCode(strings.Clone(c.Cookies(codeCookieName(groupCode))))
	if msg != "" {
		return ""
	}
	return code
}

// deviceCode returns the code this device holds for the invite's group, or "" when it holds
// none, or one the group does not know (the group was reloaded, or the cookie was edited):
// such a person is better treated as new than sent on to a failing submit.
func (h *handler) deviceCode(ctx context.Context, c *fiber.Ctx, inv Invite) (string, error) {
	code := cookieCode(c, inv.GroupCode)
	if code == "" {
		return "", nil
	}
	known, err := h.svc.KnownCode(ctx, inv, code)
	if err != nil || !known {
		return "", err
	}
	return code, nil
}

// withCode resolves the link (an invite, or a session pulse when pulse is set) and the
// device's code. A device without a code is redirected to the link's first page, and code comes
// back empty: the caller then returns err as it is.
func (h *handler) withCode(ctx context.Context, c *fiber.Ctx, pulse bool) (inv Invite, token, code string, err error) {
	open, start := h.openInvite, surveyURL
	if pulse {
		open, start = h.openPulse, pulseURL
	}
	if inv, token, err = open(ctx, c); err != nil {
		return inv, token, "", err
	}
	if code, err = h.deviceCode(ctx, c, inv); err == nil && code == "" {
		err = c.Redirect(start(token), fiber.StatusSeeOther)
	}
	return inv, token, code, err
}
