package web

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// Defaults for Options fields left at zero.
const (
	DefaultBodyLimit    = 1 << 20 // 1 MiB: a questionnaire is a few KB; imports go through the CLI
	DefaultReadTimeout  = 15 * time.Second
	DefaultWriteTimeout = 30 * time.Second // room for ECharts (~1 MB) on a slow phone connection
	DefaultIdleTimeout  = 120 * time.Second
)

// requestIDKey is the c.Locals key of the request id set by the requestid middleware.
const requestIDKey localsKey = "web.request-id"

// Options configures NewApp. Zero values get the defaults above.
type Options struct {
	// Logger receives the access log and error details; nil discards them.
	Logger *slog.Logger
	// Views renders error pages; nil uses web's own pages only.
	Views *Views
	// BodyLimit is the largest request body in bytes.
	BodyLimit    int
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// HSTS tells browsers to use HTTPS only. Set it when clients reach the service over
	// HTTPS (directly or through a TLS-terminating proxy), never for plain-HTTP local runs.
	HSTS bool
	// CSRFKey signs the CSRF tokens of HTML forms; empty means a random key per process
	// (forms open across a restart then need a reload).
	CSRFKey []byte
	// SecureCookies marks cookies Secure even when TLS ends at a proxy in front of us.
	SecureCookies bool
}

// NewApp returns a Fiber app with web's error handling and middleware installed, in this
// order: security headers (first, so every response carries them), request id, access
// log, panic recovery, CSRF check of form posts. Mount routes and assets (MountAssets) on the result.
func NewApp(o Options) *fiber.App {
	o = o.withDefaults()
	app := fiber.New(fiber.Config{
		ErrorHandler:          ErrorHandler(o.Logger, o.Views),
		DisableStartupMessage: true,
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		IdleTimeout:           o.IdleTimeout,
	})
	app.Use(securityHeaders(o.HSTS))
	app.Use(requestid.New(requestid.Config{ContextKey: requestIDKey}))
	app.Use(accessLog(o.Logger))
	app.Use(recover.New(recover.Config{
		EnableStackTrace:  true,
		StackTraceHandler: logPanic(o.Logger),
	}))
	app.Use(csrf(o.CSRFKey, o.SecureCookies || o.HSTS))
	return app
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if len(o.CSRFKey) == 0 {
		o.CSRFKey = []byte(newNonce())
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	return o
}

// logPanic records where a handler panicked; the error handler then logs the panic value
// and answers 500.
func logPanic(log *slog.Logger) func(*fiber.Ctx, any) {
	return func(c *fiber.Ctx, r any) {
		log.LogAttrs(c.UserContext(), slog.LevelError, "panic",
			slog.String("method", c.Method()),
			slog.String("route", c.Route().Path),
			slog.String("panic", fmt.Sprint(r)),
			slog.String("stack", string(debug.Stack())))
	}
}

// requestID returns the id the requestid middleware gave c, or "" outside NewApp.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}
