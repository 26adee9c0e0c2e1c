package dashboards

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// paperTimepoints are the questionnaires that have a paper version, with their names.
var paperTimepoints = []struct{ ID, Name string }{
	{"pre", "Before the group starts (pre)"},
	{"post", "After the group ends (post)"},
	{"followup", "Follow-up"},
	{"session", "Session feedback (pulse)"},
}

// paperIndex is GET /console/paper.
func (h *handler) paperIndex(c *fiber.Ctx) error {
	return h.views.Render(c, fiber.StatusOK, "paper_index", web.Page{Title: "Paper questionnaires", Data: paperTimepoints})
}

type paperPage struct {
	Name        string
	Instruments []*instrument.Instrument
}

// paperShow is GET /console/paper/:timepoint: the questionnaire asked at that timepoint, laid
// out to print, for people who will not use a phone. Answers are typed in later through the
// same import as any other file, so the wording and options are exactly the web survey's.
func (h *handler) paperShow(c *fiber.Ctx) error {
	tp := c.Params("timepoint")
	i := slices.IndexFunc(paperTimepoints, func(t struct{ ID, Name string }) bool { return t.ID == tp })
	if i < 0 {
		return fiber.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	setting, isSet, err := h.DB.Setting(ctx, ingest.SettingInstruments(tp))
	if err != nil {
		return err
	}
	asked, err := h.Instruments.Asked(tp, setting, isSet)
	if err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, "paper", web.Page{Title: "Paper questionnaire: " + paperTimepoints[i].Name,
		Data: paperPage{Name: paperTimepoints[i].Name, Instruments: asked}})
}
