package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CLIToken is the bearer token with which peerpulse's own commands talk to the running server
// that holds the database file. It is derived from the server's secret key, so only someone
// who can read the key file (the operator on that machine) can compute it.
func CLIToken(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("peerpulse cli v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// RequireCLIToken refuses a request (401, problem+json) unless it carries the CLI token.
func RequireCLIToken(secret []byte) fiber.Handler {
	want := []byte("Bearer " + CLIToken(secret))
	return func(c *fiber.Ctx) error {
		got := []byte(strings.TrimSpace(c.Get(fiber.HeaderAuthorization)))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="peerpulse"`)
			return NewProblem(fiber.StatusUnauthorized, "This endpoint is for peerpulse's own commands on the server's machine.")
		}
		return c.Next()
	}
}
