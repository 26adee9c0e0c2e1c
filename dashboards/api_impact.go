package dashboards

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web"
)

// apiImpact is GET /api/v1/impact: the results JSON of FORMATS.md for the filters in the query
// string, at the viewer's threshold (funders' is higher). A caller may ask for a larger
// min_cell than that, never a smaller.
func (h *handler) apiImpact(c *fiber.Ctx) error {
	o := analysis.Options{
		Programme:  h.Programme,
		Comparison: strings.Clone(c.Query("comparison", "pre-post")),
		MinCell:    h.minCellFor(viewer(c)),
		Filter: analysis.Filter{Modality: strings.Clone(c.Query("modality")), Region: strings.Clone(c.Query("region")),
			Profession: strings.Clone(c.Query("profession"))},
	}
	if _, ok := analysis.Comparisons[o.Comparison]; !ok {
		return web.NewProblem(fiber.StatusBadRequest, "Unknown comparison.", web.FieldError{Field: "comparison", Message: "use pre-post or pre-followup"})
	}
	if v := c.Query("min_cell"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return web.NewProblem(fiber.StatusBadRequest, "min_cell must be a whole number.", web.FieldError{Field: "min_cell", Message: "a whole number"})
		}
		o.MinCell = max(o.MinCell, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	res, err := analysis.Run(ctx, h.DB, h.Instruments, o)
	if err != nil {
		return err
	}
	if err := h.audit(c, "export.impact_json", o.Comparison, map[string]any{"min_cell": o.MinCell,
		"modality": o.Filter.Modality, "region": o.Filter.Region, "profession": o.Filter.Profession}); err != nil {
		return err
	}
	return c.JSON(res)
}

// minCellFor is the disclosure threshold for what a viewer sees: the funder threshold for
// funders, the evaluator one for everyone else.
func (h *handler) minCellFor(a *accounts.Account) int {
	if a != nil && a.Role == accounts.Funder {
		return h.MinCellFunder
	}
	return h.MinCell
}
