package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// readyTimeout bounds the readiness probe: a database that takes longer is not ready.
const readyTimeout = 2 * time.Second

// MountHealth adds the probes load balancers and orchestrators poll: /healthz answers while the
// process serves HTTP; /readyz answers 200 only when ready (the database answers a query), and
// 503 with a problem document otherwise. Neither is cached.
func MountHealth(r fiber.Router, ready func(context.Context) error) {
	r.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"status": "ok"})
	}).Name(AccessPublic)
	r.Get("/readyz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		// Fiber's UserContext is never cancelled, so the check carries its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
		defer cancel()
		if err := ready(ctx); err != nil {
			c.Set(fiber.HeaderRetryAfter, "5")
			return c.Status(fiber.StatusServiceUnavailable).JSON(
				NewProblem(fiber.StatusServiceUnavailable, "the database is not answering"), MIMEProblemJSON)
		}
		return c.JSON(fiber.Map{"status": "ready"})
	}).Name(AccessPublic)
}
