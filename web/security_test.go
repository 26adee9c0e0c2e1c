package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

var nonceInCSP = regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9_-]{22})'`)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	fixed := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
		"Permissions-Policy":     "camera=(), microphone=(), geolocation=()",
	}
	tests := []struct{ name, method, url string }{
		{"page", "GET", "/hello"},
		{"asset", "GET", AssetURL("app.css")},
		{"not found", "GET", "/nope"},
		{"api not found", "GET", "/api/nope"},
		{"internal error", "GET", "/boom"},
		{"panic", "GET", "/panic"},
		{"problem", "POST", "/api/answers"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		res := do(t, app, tt.method, tt.url, "", "Accept", browser)
		for name, want := range fixed {
			if got := res.header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", tt.name, name, got, want)
			}
		}
		csp := res.header.Get("Content-Security-Policy")
		m := nonceInCSP.FindStringSubmatch(csp)
		if m == nil {
			t.Errorf("%s: CSP without a nonce: %q", tt.name, csp)
			continue
		}
		for _, part := range []string{"default-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, part) {
				t.Errorf("%s: CSP lacks %s", tt.name, part)
			}
		}
		if seen[m[1]] {
			t.Errorf("%s: nonce %s reused", tt.name, m[1])
		}
		seen[m[1]] = true
		if strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			if n := strings.Count(res.body, `nonce="`+m[1]+`"`); n != 2 {
				t.Errorf("%s: %d inline scripts carry the header's nonce, want 2", tt.name, n)
			}
		}
	}
}

func TestHSTSOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		app := NewApp(Options{HSTS: on})
		res := do(t, app, "GET", "/", "")
		if got := res.header.Get("Strict-Transport-Security") != ""; got != on {
			t.Errorf("HSTS %v: header present = %v", on, got)
		}
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	app, logs := newTestApp(t)
	app.Get("/s/:code", func(c *fiber.Ctx) error { return c.SendString("hi") })
	do(t, app, "GET", "/s/INVITE42?email=someone%40example.org", "", "User-Agent", "AttendeePhone/1.0")
	do(t, app, "GET", "/nope/SECRET", "")
	out := logs.String()
	for _, want := range []string{`"msg":"request"`, `"method":"GET"`, `"route":"/s/:code"`, `"status":200`, `"route":"(unmatched)"`, `"status":404`, `"duration":`, `"request_id":"`} {
		if !strings.Contains(out, want) {
			t.Errorf("access log lacks %s:\n%s", want, out)
		}
	}
	for _, never := range []string{"INVITE42", "someone", "SECRET", "AttendeePhone", "0.0.0.0"} {
		if strings.Contains(out, never) {
			t.Errorf("access log contains %q:\n%s", never, out)
		}
	}
}
