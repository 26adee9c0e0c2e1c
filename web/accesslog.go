package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// accessLog logs one line per request: method, route pattern, status, duration and
// request id. It logs the route pattern ("/s/:code"), not the path, so invite codes and
// query strings never reach the log, and it logs no address or user agent because
// attendees are anonymous.
//
// It runs the error handler itself, as Fiber's own logger does, so that the status it
// logs is the one the client gets.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		own := c.Route()
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("method", c.Method()),
			slog.String("route", routePattern(c, own)),
			slog.Int("status", c.Response().StatusCode()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", requestID(c)))
		return nil
	}
}

// routePattern is the pattern of the route that handled c. When no route after the
// middleware one (own) matched, the path is unknown and may be anything, so it is
// replaced by a placeholder. Fiber merges consecutive app.Use calls on the same path
// into one route, which is why comparing with own works.
func routePattern(c *fiber.Ctx, own *fiber.Route) string {
	r := c.Route()
	if r == own {
		return "(unmatched)"
	}
	return r.Path
}
