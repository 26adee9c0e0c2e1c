package dashboards

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// queryTimeout bounds page queries: Fiber's UserContext is never cancelled in v2.
const queryTimeout = 10 * time.Second

// homeShow is the front page: the programme's name and its counts, read live from the database.
// Counts are programme totals, far above any disclosure threshold, so they are public.
func (h *handler) homeShow(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	s, err := h.DB.Summary(ctx)
	if err != nil {
		return err
	}
	name := h.programmeName(ctx)
	return h.views.Render(c, fiber.StatusOK, "home", web.Page{Title: name, Programme: name, Data: homePage{Summary: s}})
}

type homePage struct {
	ingest.Summary
}
