package dashboards

import (
	"fmt"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/charts"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// measureMeta is how a measure is named and read on the dashboards.
type measureMeta struct {
	ID, Title     string
	HigherIsWorse bool
	Cutoff        *float64
}

// BetterWhen states the direction in words, as the issue asks for burnout.
func (m measureMeta) BetterWhen() string {
	if m.HigherIsWorse {
		return "lower is better"
	}
	return "higher is better"
}

func measureMetas(set *instrument.Set) []measureMeta {
	out := make([]measureMeta, 0, len(analysis.MeasureIDs))
	for _, id := range analysis.MeasureIDs {
		m := measureMeta{ID: id, Title: id}
		if _, sc, ok := set.Scale(id); ok {
			m.Title, m.HigherIsWorse, m.Cutoff = sc.Title, sc.HigherIsWorse, sc.Cutoff
		}
		out = append(out, m)
	}
	return out
}

// impactView is the engine's output for one set of filters, indexed for the figures.
type impactView struct {
	res       *analysis.Results
	measures  []measureMeta
	evaluator bool // may see groups
	rows      map[string]analysis.Row
}

func newImpactView(res *analysis.Results, ms []measureMeta, evaluator bool) *impactView {
	v := &impactView{res: res, measures: ms, evaluator: evaluator, rows: map[string]analysis.Row{}}
	for _, r := range res.Results {
		v.rows[r.Scope+"/"+r.Key+"/"+r.Measure] = r
	}
	return v
}

func (v *impactView) row(scope, key, measure string) analysis.Row {
	return v.rows[scope+"/"+key+"/"+measure]
}

func (v *impactView) measure(id string) measureMeta {
	for _, m := range v.measures {
		if m.ID == id {
			return m
		}
	}
	return measureMeta{ID: id, Title: id}
}

// rowRef is where a row's field is in the engine's output.
func rowRef(r analysis.Row, field string) string {
	return "row/" + r.Scope + "/" + r.Key + "/" + r.Measure + "/" + field
}

func (v *impactView) fewer() charts.Cell { return fewerCell(v.res.MinCell) }

// suppressedRow is a table row whose numbers are withheld: the label, then "fewer than N".
func (v *impactView) suppressedRow(label charts.Cell, columns int) []charts.Cell {
	row := []charts.Cell{label}
	for range columns - 1 {
		row = append(row, v.fewer())
	}
	return row
}

// improvedCount is the number reliably improved, recovered included (the engine counts each
// person in one category only). r.RCIImproved must be set.
func improvedCount(r analysis.Row) int {
	n := *r.RCIImproved
	if r.RCIRecovered != nil {
		n += *r.RCIRecovered
	}
	return n
}

// improvedShare is the share of the paired sample with a reliable improvement (recovered
// included: the categories are exclusive), with its ref as a ratio of the engine's counts.
func improvedShare(r analysis.Row) charts.Cell {
	if r.RCIImproved == nil {
		return charts.Text(notEstimable)
	}
	n, ref := improvedCount(r), rowRef(r, "rci_improved")
	if r.RCIRecovered != nil {
		ref += "+" + rowRef(r, "rci_recovered")
	}
	c := shareCell(ratio(n, r.NPaired), ref+"÷"+rowRef(r, "n_paired"))
	c.Text += fmt.Sprintf(" (%d of %d)", n, r.NPaired)
	return c
}

func deterioratedShare(r analysis.Row) charts.Cell {
	if r.RCIDeteriorated == nil {
		return charts.Text(notEstimable)
	}
	c := shareCell(ratio(*r.RCIDeteriorated, r.NPaired), rowRef(r, "rci_deteriorated")+"÷"+rowRef(r, "n_paired"))
	c.Text += fmt.Sprintf(" (%d of %d)", *r.RCIDeteriorated, r.NPaired)
	return c
}

// impactFigure is the headline: per measure, the mean change with its CI, dz and reliable
// change, charted as the share reliably improved, unchanged and deteriorated.
func (v *impactView) impactFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "Change per measure, programme level (participants who answered both times)",
		Head: []string{"Measure", "Direction", "Paired n", "Mean before", "Mean after", "Mean change", "95% CI", "dz", "Reliably improved", "Reliably worse", "p (paired t)"}}
	var cats []string
	// Improvement in the palette's blue, worse in its vermilion, no change a neutral grey.
	improved := charts.Series{Name: "Reliably improved", Color: "#0072B2"}
	same := charts.Series{Name: "No reliable change", Color: "#BBBBBB"}
	worse := charts.Series{Name: "Reliably worse", Color: "#D55E00"}
	for _, m := range v.measures {
		r := v.row("overall", "all", m.ID)
		label := charts.Text(m.Title)
		if r.Suppressed {
			row := v.suppressedRow(label, len(t.Head))
			row[1] = charts.Text(m.BetterWhen())
			t.Rows = append(t.Rows, row)
			continue
		}
		t.Rows = append(t.Rows, []charts.Cell{label, charts.Text(m.BetterWhen()), intCell(r.NPaired, rowRef(r, "n_paired")),
			numCell(r.MeanPre, 1, rowRef(r, "mean_pre")), numCell(r.MeanPost, 1, rowRef(r, "mean_post")),
			numCell(r.MeanChange, 1, rowRef(r, "mean_change")), ciCell(r.CILow, r.CIHigh, 1, rowRef(r, "")),
			numCell(r.DZ, 2, rowRef(r, "dz")), improvedShare(r), deterioratedShare(r), pCell(r.PT, rowRef(r, "p_t"))})
		if r.RCIImproved == nil || r.NPaired == 0 {
			continue
		}
		cats = append(cats, m.Title+" ("+m.BetterWhen()+")")
		improved.Values = append(improved.Values, pct(ratio(improvedCount(r), r.NPaired)))
		same.Values = append(same.Values, pct(ratio(*r.RCINoChange, r.NPaired)))
		worse.Values = append(worse.Values, pct(ratio(*r.RCIDeteriorated, r.NPaired)))
	}
	spec := charts.BarSpec{ID: "impact", Title: "Headline impact per measure", Summary: v.headlineSentence(),
		Categories: cats, Series: []charts.Series{improved, same, worse}, ValueName: "% of participants", Horizontal: true, Stacked: true,
		Min: 0, Max: 100, Table: t}
	return v.maybeChart(spec.ID, spec.Title, spec.Summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// maybeChart builds the chart when there is something to draw, else a figure of table only.
func (v *impactView) maybeChart(id, title, summary string, draw bool, t charts.Table, build func() (charts.Figure, error)) (charts.Figure, error) {
	if !draw {
		return charts.Figure{ID: id, Title: title, Summary: summary, Table: t}, nil
	}
	return build()
}

func (v *impactView) headlineSentence() string {
	m := v.measure(analysis.HeadlineMeasure)
	r := v.row("overall", "all", m.ID)
	if r.Suppressed {
		return fmt.Sprintf("%s (%s): %s answered both times, so no result is shown.", m.Title, m.BetterWhen(), fewerText(v.res.MinCell))
	}
	if r.MeanChange == nil || r.CILow == nil {
		return fmt.Sprintf("%s (%s): %d people answered both times; the change is not estimable.", m.Title, m.BetterWhen(), r.NPaired)
	}
	s := fmt.Sprintf("%s (%s) changed by %s points on average (95%% CI %s to %s) among %d people who answered both times",
		m.Title, m.BetterWhen(), fmtNum(*r.MeanChange, 1), fmtNum(*r.CILow, 1), fmtNum(*r.CIHigh, 1), r.NPaired)
	if r.RCIImproved != nil {
		s += fmt.Sprintf("; %s reliably improved", fmtNum(float64(improvedCount(r))/float64(r.NPaired)*100, 0)+"%")
	}
	return s + "."
}

// prevalenceFigure compares the share at or above the cut-off (high burnout) before and after.
func (v *impactView) prevalenceFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "Share with a score of 50 or more (high burnout), participants who answered both times",
		Head: []string{"Measure", "Paired n", "High before", "High after", "p (McNemar)"}}
	var cats []string
	before, after := charts.Series{Name: "Before"}, charts.Series{Name: "After"}
	for _, m := range v.measures {
		if m.Cutoff == nil {
			continue
		}
		r := v.row("overall", "all", m.ID)
		if r.Suppressed {
			t.Rows = append(t.Rows, v.suppressedRow(charts.Text(m.Title), len(t.Head)))
			continue
		}
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title), intCell(r.NPaired, rowRef(r, "n_paired")),
			shareCell(r.PrevPre, rowRef(r, "prev_pre")), shareCell(r.PrevPost, rowRef(r, "prev_post")), pCell(r.PMcNemar, rowRef(r, "p_mcnemar"))})
		cats = append(cats, m.Title)
		before.Values = append(before.Values, pct(r.PrevPre))
		after.Values = append(after.Values, pct(r.PrevPost))
	}
	summary := "No burnout measure has enough paired responses to show prevalence."
	if r := v.row("overall", "all", analysis.HeadlineMeasure); !r.Suppressed && r.PrevPre != nil && r.PrevPost != nil {
		summary = fmt.Sprintf("High work-related burnout (score 50 or more; lower is better) went from %s%% before to %s%% after.",
			fmtNum(*r.PrevPre*100, 0), fmtNum(*r.PrevPost*100, 0))
	}
	spec := charts.BarSpec{ID: "prevalence", Title: "High burnout (score of 50 or more) before and after", Summary: summary,
		Categories: cats, Series: []charts.Series{before, after}, ValueName: "% with high burnout", Horizontal: true, Min: 0, Max: 100, Table: t}
	return v.maybeChart(spec.ID, spec.Title, spec.Summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// spreadFigure is a box plot of scores before and after for the burnout measures (higher is
// worse) or the morale measures.
func (v *impactView) spreadFigure(burnout bool) (charts.Figure, error) {
	id, title, unit := "spread-morale", "Distribution of morale scores before and after", "score (0–10, higher is better)"
	if burnout {
		id, title, unit = "spread-burnout", "Distribution of burnout scores before and after", "score (0–100, lower is better)"
	}
	t := charts.Table{Caption: "Quantiles of scores, participants who answered both times (whiskers: 10th and 90th percentiles)",
		Head: []string{"Measure and time", "Paired n", "10th percentile", "Lower quartile", "Median", "Upper quartile", "90th percentile"}}
	var cats []string
	before, after := charts.BoxSeries{Name: "Before"}, charts.BoxSeries{Name: "After"}
	for _, s := range v.res.Spread.Measures {
		m := v.measure(s.Measure)
		if m.HigherIsWorse != burnout {
			continue
		}
		if s.Suppressed {
			t.Rows = append(t.Rows, v.suppressedRow(charts.Text(m.Title), len(t.Head)))
			continue
		}
		for _, tp := range []struct {
			name, key string
			q         *analysis.Quantiles
		}{{"before", "pre", s.Pre}, {"after", "later", s.Later}} {
			ref := "spread/" + s.Measure + "/" + tp.key + "/"
			q := tp.q
			t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title + ", " + tp.name), intPtrCell(s.NPaired, "spread/"+s.Measure+"/n_paired"),
				numCell(&q.P10, 1, ref+"p10"), numCell(&q.Q1, 1, ref+"q1"), numCell(&q.Median, 1, ref+"median"),
				numCell(&q.Q3, 1, ref+"q3"), numCell(&q.P90, 1, ref+"p90")})
		}
		cats = append(cats, m.Title)
		before.Data = append(before.Data, &[5]float64{s.Pre.P10, s.Pre.Q1, s.Pre.Median, s.Pre.Q3, s.Pre.P90})
		after.Data = append(after.Data, &[5]float64{s.Later.P10, s.Later.Q1, s.Later.Median, s.Later.Q3, s.Later.P90})
	}
	summary := fmt.Sprintf("Each box spans the middle half of scores, the line inside is the median and the whiskers reach the 10th and 90th percentiles; %s.", unit)
	spec := charts.BoxSpec{ID: id, Title: title, Summary: summary, Categories: cats, Series: []charts.BoxSeries{before, after}, ValueName: unit, Table: t}
	return v.maybeChart(id, title, summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Box(spec) })
}
