package dashboards

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/dashboards/charts"
	"github.com/peerpulse/peerpulse/web"
)

// section is a heading over figures.
type section struct {
	Heading, Lede string
	Figures       []charts.Figure
}

// download is a link to a workbook with the page's filters.
type download struct {
	Href, Text string
}

type overviewPage struct {
	Form      filterForm
	Filters   string // the filters in words
	MinCell   int
	Evaluator bool
	KPIs      []kpi
	Sections  []section
	Downloads []download
	Query     string // the filters as a query string, for links that keep them
	// CountsNote says that delivery and response counts ignore the profession filter.
	CountsNote string
}

// overviewShow is GET /dashboards: the impact of the programme at a glance for the filters in
// the query string, at the viewer's threshold. Every number comes from the analysis engine.
func (h *handler) overviewShow(c *fiber.Ctx) error {
	f, regions, err := h.parseFilters(c)
	if err != nil {
		return err
	}
	a := viewer(c)
	v, err := h.impact(f, h.minCellFor(a), a.Role != accounts.Funder)
	if err != nil {
		return err
	}
	p, err := v.overview()
	if err != nil {
		return err
	}
	p.Form, p.Filters, p.Query = f.form(regions), f.Describe(), f.query()
	if f.Profession != "" {
		p.CountsNote = "The tiles and the response funnel count every participant of the groups shown, whatever their profession; the results below are for " + f.Profession + " only."
	}
	p.Downloads = []download{{Href: "/reports/funder.xlsx" + f.query(), Text: "Funder workbook (Excel)"}}
	if p.Evaluator {
		p.Downloads = append(p.Downloads, download{Href: "/reports/evaluator.xlsx" + f.query(), Text: "Evaluator workbook (Excel)"})
	}
	return h.views.Render(c, fiber.StatusOK, "overview", web.Page{Title: "Impact overview", Programme: v.res.Programme, Data: p})
}

// impact runs the analysis for the filters; its results carry the spread and dose figures too.
func (h *handler) impact(f filters, minCell int, evaluator bool) (*impactView, error) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	o := analysis.Options{Programme: h.Programme, Comparison: f.Comparison, MinCell: minCell, Filter: f.analysisFilter()}
	res, err := analysis.Run(ctx, h.DB, h.Instruments, o)
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	return newImpactView(res, measureMetas(h.Instruments), evaluator), nil
}

// build makes one figure.
type build func() (charts.Figure, error)

// figures builds each figure in order, stopping at the first error.
func figures(builds ...build) ([]charts.Figure, error) {
	var out []charts.Figure
	for _, b := range builds {
		fig, err := b()
		if err != nil {
			return nil, err
		}
		out = append(out, fig)
	}
	return out, nil
}

// overview builds the page's figures in reading order.
func (v *impactView) overview() (overviewPage, error) {
	p := overviewPage{MinCell: v.res.MinCell, Evaluator: v.evaluator, KPIs: v.kpis()}
	plan := []struct {
		heading, lede string
		figures       []build
	}{
		{"Impact", "Change between the two questionnaires among people who answered both. Burnout: lower is better. Morale: higher is better.",
			[]build{v.impactFigure, v.prevalenceFigure, func() (charts.Figure, error) { return v.spreadFigure(true) },
				func() (charts.Figure, error) { return v.spreadFigure(false) }}},
		{"Where it worked", "", v.whereFigures()},
		{"Dose and response", "", []build{v.doseFigure}},
		{"Who answered", "", []build{v.funnelFigure, v.baselineFigure}},
		{"National context", "Figures from the NHS Staff Survey describe all NHS staff, a different population; they are context, not a control group.",
			[]build{v.nationalFigure}},
	}
	for _, s := range plan {
		figs, err := figures(s.figures...)
		if err != nil {
			return p, err
		}
		p.Sections = append(p.Sections, section{Heading: s.heading, Lede: s.lede, Figures: figs})
	}
	return p, nil
}

// whereFigures are the comparisons across groups, modalities and regions; groups for
// evaluators only.
func (v *impactView) whereFigures() []build {
	var out []build
	if v.evaluator {
		out = append(out, v.forestFigure)
	}
	return append(out, func() (charts.Figure, error) { return v.comparisonFigure("modality") },
		func() (charts.Figure, error) { return v.comparisonFigure("region") })
}
