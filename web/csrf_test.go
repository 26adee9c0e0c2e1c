package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	good := CSRFToken(testCSRFKey, testBinding)
	other := CSRFToken(testCSRFKey, "BBBBBBBBBBBBBBBBBBBBBB")
	cookie := CSRFCookie + "=" + testBinding
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name    string
		headers []string
		body    string
		status  int
	}{
		{"form with the token in a field", []string{"Content-Type", form, CSRFHeader, "", "Cookie", cookie}, "_csrf=" + good, 200},
		{"form with the token in the header", []string{"Content-Type", form, "Cookie", cookie}, "a=1", 200},
		{"form without a token", []string{"Content-Type", form, CSRFHeader, "", "Cookie", cookie}, "a=1", 403},
		{"token of another browser", []string{"Content-Type", form, CSRFHeader, other, "Cookie", cookie}, "a=1", 403},
		{"token without its cookie", []string{"Content-Type", form, "Cookie", ""}, "a=1", 403},
		{"forged cookie and token without the key", []string{"Content-Type", form, "Cookie", CSRFCookie + "=BBBBBBBBBBBBBBBBBBBBBB",
			CSRFHeader, CSRFToken([]byte("guess"), "BBBBBBBBBBBBBBBBBBBBBB")}, "a=1", 403},
		{"text/plain, which a cross-site form can send", []string{"Content-Type", "text/plain", CSRFHeader, ""}, "a=1", 403},
		{"JSON, which needs a CORS preflight we never grant", []string{"Content-Type", "application/json", CSRFHeader, "", "Cookie", ""}, "{}", 200},
		{"a script with an Authorization header", []string{"Content-Type", form, "Authorization", "Bearer x", CSRFHeader, "", "Cookie", ""}, "a=1", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, app, "POST", "/echo", tt.body, append([]string{"Accept", browser}, tt.headers...)...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.status == 403 && !strings.Contains(res.body, "did not come from this site") {
				t.Errorf("403 page does not say why: %s", res.body)
			}
		})
	}
}

func TestCSRFCookieIssuedOnce(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	res := do(t, app, "GET", "/hello", "")
	var binding *http.Cookie
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == CSRFCookie {
			binding = c
		}
	}
	if binding == nil || !binding.HttpOnly || binding.SameSite != http.SameSiteLaxMode || !validBinding(binding.Value) {
		t.Fatalf("binding cookie = %+v, want HttpOnly, SameSite=Lax, 128 random bits", binding)
	}
	again := do(t, app, "GET", "/hello", "", "Cookie", CSRFCookie+"="+binding.Value)
	if strings.Contains(strings.Join(again.header.Values("Set-Cookie"), ";"), CSRFCookie) {
		t.Error("a browser that has the cookie is given another")
	}
}
