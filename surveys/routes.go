package surveys

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed" // openapi.json
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/peerpulse/peerpulse/web"
)

//go:embed openapi.json
var openAPI []byte

// Deps are what the attendee routes need.
type Deps struct {
	Service *Service
	Log     *slog.Logger
	// SubmitRate is how many submissions one network address may make per minute (0: no limit).
	SubmitRate int
}

type handler struct {
	svc *Service
	log *slog.Logger
}

// Register adds the attendee routes and the submission API.
func Register(r fiber.Router, d Deps) error {
	h := &handler{svc: d.Service, log: d.Log}
	limit := submitLimiter(d.SubmitRate)
	r.Post("/api/v1/responses", limit, h.apiSubmit)
	r.Get("/api/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(openAPI)
	})
	return nil
}

// submitLimiter limits submissions per network address. The address is only a key in memory,
// hashed with a salt drawn at start-up, and never stored or logged: attendees stay anonymous.
func submitLimiter(perMinute int) fiber.Handler {
	if perMinute <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	return limiter.New(limiter.Config{
		Max:        perMinute,
		Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string {
			m := hmac.New(sha256.New, salt)
			m.Write([]byte(c.IP()))
			return hex.EncodeToString(m.Sum(nil)[:12])
		},
		LimitReached: func(c *fiber.Ctx) error { return web.TooManyRequests(60) },
	})
}
