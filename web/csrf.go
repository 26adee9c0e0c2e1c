package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CSRFField is the form field (and CSRFHeader the header) that carries the request's CSRF
// token; every state-changing HTML form includes it with {{template "csrf" $}}.
const (
	CSRFField  = "_csrf"
	CSRFHeader = "X-CSRF-Token"
	// CSRFCookie holds a random value per browser that the token is bound to.
	CSRFCookie = "pp_csrf"
)

// csrfKey is the c.Locals key holding the request's CSRF state.
const csrfKey localsKey = "web.csrf-token"

// CSRFToken is the token a browser holding cookie value binding must send back: an HMAC of the
// value under the server's key (a signed double-submit cookie). Another site can neither read
// the cookie nor compute the HMAC, and forging the cookie (from a sibling domain) does not help
// without the key.
func CSRFToken(key []byte, binding string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("peerpulse csrf v1\x00"))
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrf checks every state-changing request that a browser could send from another site: POST,
// PUT, PATCH and DELETE, unless it authenticates with an Authorization header (scripts; a
// browser never adds one cross-site), carries JSON (which a cross-site form cannot send
// without a CORS preflight, and we allow none), or goes to the JSON API under /api/, whose
// state-changing routes never accept a cookie as proof of who is asking (see IsAPI). A failure
// is 403. The token for a page's forms is made only when a page asks for it (CSRF), so assets
// and the submission API pay nothing and get no cookie.
func csrf(key []byte, secureCookie bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(csrfKey, &csrfState{key: key, secure: secureCookie})
		if !needsCSRF(c) {
			return c.Next()
		}
		binding := c.Cookies(CSRFCookie)
		got := c.FormValue(CSRFField)
		if got == "" {
			got = c.Get(CSRFHeader)
		}
		if !validBinding(binding) || subtle.ConstantTimeCompare([]byte(got), []byte(CSRFToken(key, binding))) != 1 {
			return NewProblem(fiber.StatusForbidden, "This form has expired or did not come from this site. Go back, reload the page and try again.")
		}
		return c.Next()
	}
}

// csrfState is what CSRF needs to make the request's token once.
type csrfState struct {
	key    []byte
	secure bool
	token  string
}

func needsCSRF(c *fiber.Ctx) bool {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	if c.Get(fiber.HeaderAuthorization) != "" || IsAPI(c) {
		return false
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	return !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) && !strings.HasPrefix(ct, "application/problem+json")
}

func newBinding() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// validBinding accepts only what newBinding makes, so a tossed cookie cannot carry odd bytes.
func validBinding(s string) bool {
	if len(s) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// CSRF returns the token for the request's forms ("" outside NewApp), giving the browser its
// binding cookie first if it has none.
func CSRF(c *fiber.Ctx) string {
	st, ok := c.Locals(csrfKey).(*csrfState)
	if !ok {
		return ""
	}
	if st.token == "" {
		binding := c.Cookies(CSRFCookie)
		if !validBinding(binding) {
			binding = newBinding()
			c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: binding, Path: "/", HTTPOnly: true,
				SameSite: fiber.CookieSameSiteLaxMode, Secure: st.secure || c.Protocol() == "https"})
		}
		st.token = CSRFToken(st.key, binding)
	}
	return st.token
}

// IsAPI reports whether the request is for the JSON API under /api/: it gets problem+json
// errors, and its state-changing routes must authenticate with a bearer token, never a cookie.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api" || strings.HasPrefix(p, "/api/")
}
