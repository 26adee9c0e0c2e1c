package dashboards

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

type auditPage struct {
	Actor, Action, From, To string
	Records                 []ingest.AuditRecord
	Errors                  web.FieldErrors
	Limit                   int
}

// auditList is GET /admin/audit: who did what, when, newest first, filtered by actor, action
// and date range (query parameters, so a filtered view can be bookmarked).
func (h *handler) auditList(c *fiber.Ctx) error {
	p := auditPage{Actor: strings.Clone(strings.TrimSpace(c.Query("actor"))), Action: strings.Clone(strings.TrimSpace(c.Query("action"))),
		From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to")), Limit: 500}
	f := ingest.AuditFilter{Actor: strings.ToLower(p.Actor), Action: p.Action, Limit: p.Limit}
	for _, d := range []struct {
		field, value string
		dst          *time.Time
	}{{"from", p.From, &f.From}, {"to", p.To, &f.To}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.value)
		if err != nil {
			p.Errors.Add(d.field, "Enter a date like 2026-11-21")
			continue
		}
		*d.dst = t
	}
	status := fiber.StatusOK
	if len(p.Errors) == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		recs, err := h.DB.AuditLog(ctx, f)
		if err != nil {
			return err
		}
		p.Records = recs
	} else {
		status = fiber.StatusUnprocessableEntity
	}
	return h.views.Render(c, status, "audit", web.Page{Title: "Audit log", Data: p})
}
