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
	// It also bounds the attendee pages' form posts, so codes cannot be guessed quickly.
	SubmitRate int
	// Programme overrides the programme name stored in the database when not empty.
	Programme string
}

type handler struct {
	svc       *Service
	log       *slog.Logger
	views     *web.Views
	programme string
	// plans are the questionnaire pages of each timepoint, fixed at start-up like the plan.
	plans map[string][]surveyPage
	// pulse holds the session pulse's questions, all on one page.
	pulse surveyPage
}

// Register parses the attendee templates (failing fast if one is broken) and adds the
// attendee pages and the submission API.
func Register(r fiber.Router, d Deps) error {
	views, err := parseViews()
	if err != nil {
		return err
	}
	h := &handler{svc: d.Service, log: d.Log, views: views, programme: d.Programme, plans: planSurveys(d.Service),
		pulse: planPulse(d.Service)}
	if h.programme == "" {
		h.programme = programmeName(d.Service)
	}
	limit := submitLimiter(d.SubmitRate)
	// A journey posts about ten pages, and a ward's phones may share one address, so page
	// navigation gets five times the room; typing a code keeps the tight limit, which is what
	// makes guessing codes hopeless (22⁶ codes per group at a few hundred tries a minute).
	pages := submitLimiter(5 * d.SubmitRate)
	r.Post("/api/v1/responses", limit, h.apiSubmit).Name(web.AccessPublic)
	r.Get("/api/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(openAPI)
	}).Name(web.AccessPublic)

	// The attendee journey: server-rendered pages that work without JavaScript. Every POST
	// goes through the same limiter as the API.
	page := h.pageErrors
	r.Get("/s/:token", page(h.surveyShow)).Name(web.AccessPublic)
	r.Post("/s/:token/start", pages, page(h.surveyStart)).Name(web.AccessPublic)
	r.Get("/s/:token/your-code", page(h.surveyCodeShow)).Name(web.AccessPublic)
	r.Get("/s/:token/code", page(h.surveyCodeForm)).Name(web.AccessPublic)
	r.Post("/s/:token/code", limit, page(h.surveyCodeEnter)).Name(web.AccessPublic)
	r.Post("/s/:token/forget", pages, page(h.surveyCodeForget)).Name(web.AccessPublic)
	r.Get("/s/:token/when", page(h.surveyWhen)).Name(web.AccessPublic)
	r.Post("/s/:token/survey", pages, page(h.surveyAnswer)).Name(web.AccessPublic)
	r.Get("/s/:token/thanks", page(h.surveyThanks)).Name(web.AccessPublic)
	r.Get("/s/:token/support", page(h.surveySupport)).Name(web.AccessPublic)
	r.Get("/p/:token", page(h.pulseShow)).Name(web.AccessPublic)
	r.Post("/p/:token", pages, page(h.pulseSubmit)).Name(web.AccessPublic)
	r.Post("/p/:token/code", limit, page(h.pulseCodeEnter)).Name(web.AccessPublic)
	r.Get("/p/:token/thanks", page(h.pulseThanks)).Name(web.AccessPublic)
	r.Get("/p/:token/support", page(h.pulseSupport)).Name(web.AccessPublic)
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
