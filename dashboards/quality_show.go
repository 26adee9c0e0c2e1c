package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/charts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

type qualityPage struct {
	Form    filterForm
	Filters string
	MinCell int
	Query   string
	Figures []charts.Figure
	Imports []importRun
}

// importRun is one import as the audit log recorded it.
type importRun struct {
	When, Actor, Files string
	Kinds              []importKind
}

type importKind struct {
	Kind       string `json:"-"`
	Read       int    `json:"read"`
	Imported   int    `json:"imported"`
	Duplicates int    `json:"duplicates"`
	Rejected   int    `json:"rejected"`
}

// qualityShow is GET /dashboards/quality (evaluators): match rates, missing answers per item,
// imports with rejected rows, and the reliability of each scale, for the filters in the URL.
func (h *handler) qualityShow(c *fiber.Ctx) error {
	f, regions, err := h.parseFilters(c)
	if err != nil {
		return err
	}
	minCell := h.minCellFor(viewer(c))
	v, err := h.impact(f, minCell, true)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	q, err := analysis.DataQuality(ctx, h.DB, h.Instruments, analysis.Options{Comparison: f.Comparison, MinCell: minCell, Filter: f.analysisFilter()})
	if err != nil {
		return err
	}
	p := qualityPage{Form: f.form(regions), Filters: f.Describe(), MinCell: minCell, Query: f.query()}
	p.Figures, err = figures(v.matchFigure, v.groupMatchFigure,
		func() (charts.Figure, error) { return v.missingFigure(q) }, func() (charts.Figure, error) { return v.alphaFigure(q) })
	if err != nil {
		return err
	}
	if p.Imports, err = h.importRuns(ctx); err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, "quality", web.Page{Title: "Data quality", Programme: v.res.Programme, Data: p})
}

// matchFigure is, per measure, the share of people with a valid baseline score who also have a
// valid later one: the paired sample every result rests on.
func (v *impactView) matchFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "Valid scores before, later and both, per measure", Head: []string{"Measure", "Valid before", "Valid later", "Both (paired)", "Match rate"}}
	var cats []string
	s := charts.Series{Name: "Match rate"}
	for _, m := range v.measures {
		r := v.row("overall", "all", m.ID)
		if r.Suppressed {
			t.Rows = append(t.Rows, v.suppressedRow(charts.Text(m.Title), len(t.Head)))
			continue
		}
		share := ratio(r.NPaired, r.NPre)
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title), intCell(r.NPre, rowRef(r, "n_pre")), intCell(r.NPost, rowRef(r, "n_post")),
			intCell(r.NPaired, rowRef(r, "n_paired")), shareCell(share, rowRef(r, "n_paired")+"÷"+rowRef(r, "n_pre"))})
		cats = append(cats, m.Title)
		s.Values = append(s.Values, pct(share))
	}
	spec := charts.BarSpec{ID: "match", Title: "Match rate per measure", Summary: "Share of people with a valid score before who also have one later; results rest on these pairs.",
		Categories: cats, Series: []charts.Series{s}, ValueName: "% matched", Horizontal: true, Min: 0, Max: 100, Table: t}
	return v.maybeChart(spec.ID, spec.Title, spec.Summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// groupMatchFigure is the match rate of each group: who answered before, later, or both.
func (v *impactView) groupMatchFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "Answers per group (people)", Head: []string{"Group", "Before only", "Later only", "Both", "Match rate"}}
	var cats []string
	s := charts.Series{Name: "Match rate"}
	withheld := 0
	for _, g := range v.res.Groups {
		label := charts.Cell{Text: g.GroupCode, Href: "/dashboards/groups/" + g.GroupCode}
		if g.Suppressed {
			withheld++
			t.Rows = append(t.Rows, v.suppressedRow(label, len(t.Head)))
			continue
		}
		ref := "group/" + g.GroupCode + "/"
		share := ratio(*g.Both, *g.PreOnly+*g.Both)
		t.Rows = append(t.Rows, []charts.Cell{label, intPtrCell(g.PreOnly, ref+"pre_only"), intPtrCell(g.PostOnly, ref+"post_only"),
			intPtrCell(g.Both, ref+"both"), shareCell(share, ref+"both÷"+ref+"pre_only+"+ref+"both")})
		cats = append(cats, g.GroupCode)
		s.Values = append(s.Values, pct(share))
	}
	if len(cats) > maxForestGroups {
		// A national programme's groups are listed in the table only.
		cats, s.Values = nil, nil
	}
	summary := "Share of each group's baseline respondents who also answered later."
	if withheld > 0 {
		summary += fmt.Sprintf(" %d groups with %s are not charted.", withheld, fewerText(v.res.MinCell))
	}
	spec := charts.BarSpec{ID: "group-match", Title: "Match rate per group", Summary: summary, Categories: cats, Series: []charts.Series{s},
		ValueName: "% matched", Horizontal: true, Min: 0, Max: 100, Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// missingFigure is the share of questionnaires that left each item unanswered.
func (v *impactView) missingFigure(q *analysis.Quality) (charts.Figure, error) {
	t := charts.Table{Caption: "Unanswered items, in questionnaires that answered at least one item of the instrument",
		Head: []string{"Item", "Question", "Questionnaires", "Unanswered", "Share unanswered"}}
	var cats []string
	s := charts.Series{Name: "Unanswered"}
	worst, worstShare := "", -1.0
	for _, it := range q.Items {
		if it.Suppressed {
			t.Rows = append(t.Rows, []charts.Cell{charts.Text(it.ItemID), charts.Text(it.Text), fewerCell(q.MinCell), fewerCell(q.MinCell), fewerCell(q.MinCell)})
			continue
		}
		ref := "missing/" + it.ItemID + "/"
		share := ratio(*it.Missing, *it.Asked)
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(it.ItemID), charts.Text(it.Text), intPtrCell(it.Asked, ref+"asked"),
			intPtrCell(it.Missing, ref+"missing"), shareCell(share, ref+"missing÷"+ref+"asked")})
		cats = append(cats, it.ItemID)
		s.Values = append(s.Values, pct(share))
		if share != nil && *share > worstShare {
			worst, worstShare = it.ItemID, *share
		}
	}
	summary := "No instrument has enough questionnaires to show."
	if worst != "" {
		summary = fmt.Sprintf("Share of questionnaires leaving each item unanswered; the most often skipped is %s (%s%%). Patient items may be skipped on purpose by people who do not work with patients.",
			worst, fmtNum(worstShare*100, 0))
	}
	spec := charts.BarSpec{ID: "missing", Title: "Missing answers per item", Summary: summary, Categories: cats, Series: []charts.Series{s},
		ValueName: "% unanswered", Horizontal: true, Min: 0, Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// alphaFigure is Cronbach's α of each measure.
func (v *impactView) alphaFigure(q *analysis.Quality) (charts.Figure, error) {
	t := charts.Table{Caption: "Cronbach's α over complete baseline answers", Head: []string{"Measure", "Items", "Complete baseline answers", "Cronbach's α"}}
	var cats []string
	s := charts.Series{Name: "Cronbach's α"}
	for _, r := range q.Reliability {
		m := v.measure(r.Measure)
		if r.Suppressed {
			t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title), charts.Text(fmt.Sprint(r.Items)), fewerCell(q.MinCell), fewerCell(q.MinCell)})
			continue
		}
		ref := "alpha/" + r.Measure + "/"
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title), charts.Text(fmt.Sprint(r.Items)), intPtrCell(r.Complete, ref+"complete_cases"), numCell(r.Alpha, 3, ref+"alpha")})
		cats = append(cats, m.Title)
		s.Values = append(s.Values, r.Alpha)
	}
	spec := charts.BarSpec{ID: "alpha", Title: "Reliability of each scale", Summary: "Cronbach's α of each measure's items at baseline; 0.7 or more is usually read as acceptable internal consistency.",
		Categories: cats, Series: []charts.Series{s}, ValueName: "α", Horizontal: true, Min: 0, Max: 1, Table: t}
	return v.maybeChart(spec.ID, spec.Title, spec.Summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// importRuns reads the imports the audit log holds, newest first. Imports refused whole (a
// rejected row without --partial) write nothing and are not logged; with --partial, rejected
// rows are counted here.
func (h *handler) importRuns(ctx context.Context) ([]importRun, error) {
	recs, err := h.DB.AuditLog(ctx, ingest.AuditFilter{Action: "import", Limit: 50})
	if err != nil {
		return nil, err
	}
	var out []importRun
	for _, r := range recs {
		if r.Action != "import" {
			continue
		}
		run := importRun{When: r.OccurredAt.UTC().Format("2 Jan 2006 15:04 UTC"), Actor: r.Actor, Files: r.Target}
		var detail map[string]importKind
		if err := json.Unmarshal([]byte(r.Detail), &detail); err == nil {
			for kind, k := range detail {
				k.Kind = kind
				run.Kinds = append(run.Kinds, k)
			}
			sort.Slice(run.Kinds, func(i, j int) bool { return run.Kinds[i].Kind < run.Kinds[j].Kind })
		}
		out = append(out, run)
	}
	return out, nil
}

// RejectedTotal is the number of rows an import rejected, over its files.
func (r importRun) RejectedTotal() int {
	n := 0
	for _, k := range r.Kinds {
		n += k.Rejected
	}
	return n
}

// Describe lists what an import read, e.g. "responses: 120 read, 118 imported, 2 rejected".
func (k importKind) Describe() string {
	return strings.Join([]string{fmt.Sprintf("%s: %d read", k.Kind, k.Read), fmt.Sprintf("%d imported", k.Imported),
		fmt.Sprintf("%d duplicates", k.Duplicates), fmt.Sprintf("%d rejected", k.Rejected)}, ", ")
}
