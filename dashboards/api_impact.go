package dashboards

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web"
)

// apiImpact is GET /api/v1/impact: the results JSON of FORMATS.md for the filters in the query
// string, at the viewer's threshold (funders' is higher). A caller may ask for a larger
// min_cell than that, never a smaller.
func (h *handler) apiImpact(c *fiber.Ctx) error {
	f, _, err := h.parseFilters(c)
	if err != nil {
		return err
	}
	o := analysis.Options{Programme: h.Programme, Comparison: f.Comparison, MinCell: h.minCellFor(viewer(c)), Filter: f.analysisFilter()}
	if o.MinCell, err = askedMinCell(c, o.MinCell); err != nil {
		return err
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

// askedMinCell is the threshold for a request that may ask (min_cell) for a larger one than
// floor, never a smaller.
func askedMinCell(c *fiber.Ctx, floor int) (int, error) {
	v := c.Query("min_cell")
	if v == "" {
		return floor, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, web.NewProblem(fiber.StatusBadRequest, "min_cell must be a whole number.", web.FieldError{Field: "min_cell", Message: "a whole number"})
	}
	return max(floor, n), nil
}
