package dashboards

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

//go:embed templates/*.html
var templates embed.FS

// Deps are what the staff pages need, given once at start-up.
type Deps struct {
	DB  *ingest.DB
	Log *slog.Logger
	// Programme overrides the programme name stored in the database when not empty.
	Programme   string
	Instruments *instrument.Set
	// MinCell is the smallest cell shown to evaluators (INSTRUMENTS.md §6).
	MinCell int
	// CLISecret authenticates peerpulse's own commands; until staff accounts exist it is the
	// only way to reach the JSON API.
	CLISecret []byte
}

// handler holds the dependencies every staff handler shares.
type handler struct {
	Deps
	views *web.Views
}

// Register parses the staff templates (failing fast if one is broken) and adds the staff routes.
func Register(r fiber.Router, d Deps) error {
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return fmt.Errorf("dashboards templates: %w", err)
	}
	views, err := web.NewViews(pages, nil)
	if err != nil {
		return fmt.Errorf("dashboards templates: %w", err)
	}
	h := &handler{Deps: d, views: views}
	r.Get("/", h.homeShow)
	r.Get("/api/v1/impact", web.RequireCLIToken(d.CLISecret), h.apiImpact)
	r.Get("/api/v1/backup", web.RequireCLIToken(d.CLISecret), h.apiBackup)
	return nil
}

// programmeName is the configured name, else the one stored with the data, else a plain default.
func (h *handler) programmeName(ctx context.Context) string {
	if h.Programme != "" {
		return h.Programme
	}
	if name, ok, err := h.DB.Setting(ctx, ingest.SettingProgrammeName); err == nil && ok {
		return name
	}
	return "Peer support programme"
}
