package web

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
)

// localsKey is unexported so no other package's c.Locals key can collide with ours.
type localsKey string

// NonceKey is the c.Locals key holding the request's CSP nonce (a string). Templates get
// it as Page.Nonce; put it on every inline <script> as nonce="{{.Nonce}}".
const NonceKey localsKey = "web.csp-nonce"

// cspBefore and cspAfter surround the nonce. Inline style attributes are refused, so
// size things (charts included) with classes in app.css.
const (
	cspBefore = "default-src 'self'; script-src 'self' 'nonce-"
	cspAfter  = "'; style-src 'self'; img-src 'self' data:; object-src 'none'; " +
		"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

// securityHeaders sets the security headers, with a fresh nonce, before anything else
// runs, so every response carries them: pages, assets, errors and recovered panics.
func securityHeaders(hsts bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		setSecurityHeaders(c)
		if hsts {
			c.Set(fiber.HeaderStrictTransportSecurity, "max-age=63072000; includeSubDomains")
		}
		return c.Next()
	}
}

// setSecurityHeaders stores a new nonce in c.Locals and sets the headers that use it.
func setSecurityHeaders(c *fiber.Ctx) {
	nonce := newNonce()
	c.Locals(NonceKey, nonce)
	c.Set(fiber.HeaderContentSecurityPolicy, cspBefore+nonce+cspAfter)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderPermissionsPolicy, "camera=(), microphone=(), geolocation=()")
	// Survey answers must not linger in a shared browser's cache or back button;
	// handlers that serve cacheable content (assets) override this.
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// newNonce returns 128 random bits in URL-safe base64, which needs no escaping in HTML
// attributes or headers.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24; it crashes instead
	return base64.RawURLEncoding.EncodeToString(b)
}
