package web

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestRequireCLIToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	app := NewApp(Options{})
	app.Get("/x", RequireCLIToken(secret), func(c *fiber.Ctx) error { return c.SendString("ok") })
	tests := []struct {
		name, auth string
		status     int
	}{
		{"right token", "Bearer " + CLIToken(secret), 200},
		{"no header", "", 401},
		{"another key's token", "Bearer " + CLIToken([]byte("another key, also 32 bytes long!")), 401},
		{"token without scheme", CLIToken(secret), 401},
	}
	for _, tc := range tests {
		req := httptest.NewRequest("GET", "/x", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := app.Test(req)
		if err != nil || resp.StatusCode != tc.status {
			t.Errorf("%s: %v %v", tc.name, resp.StatusCode, err)
		}
	}
	empty := NewApp(Options{})
	empty.Get("/x", RequireCLIToken(nil), func(c *fiber.Ctx) error { return c.SendString("ok") })
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Authorization", "Bearer "+CLIToken(nil))
	if resp, _ := empty.Test(req); resp.StatusCode != 401 {
		t.Error("an empty secret must never authenticate")
	}
}
