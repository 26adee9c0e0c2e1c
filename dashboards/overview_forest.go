package dashboards

import (
	"fmt"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/charts"
)

// maxForestGroups is the most groups a forest plot lists; a national programme filters by
// modality or region first.
const maxForestGroups = 80

// forestFigure plots the headline measure's mean change per group with the pooled estimate
// (evaluators only: funders never see groups). Suppressed groups are left out and counted in
// the summary (INSTRUMENTS.md §6 allows either that or unlabelled rows).
func (v *impactView) forestFigure() (charts.Figure, error) {
	m := v.measure(analysis.HeadlineMeasure)
	t := charts.Table{Caption: m.Title + ": mean change per group (" + m.BetterWhen() + ")",
		Head: []string{"Group", "Paired n (groups pooled)", "Mean change", "95% CI", "p (BH-adjusted)", "I²", "τ²"}}
	var rows []charts.ForestRow
	withheld, shown := 0, 0
	for _, r := range v.res.Results {
		if r.Scope == "group" && r.Measure == m.ID && !r.Suppressed {
			shown++
		}
	}
	tooMany := shown > maxForestGroups
	for _, r := range v.res.Results {
		if r.Scope != "group" || r.Measure != m.ID {
			continue
		}
		if r.Suppressed {
			withheld++
			continue
		}
		if tooMany {
			continue
		}
		label := charts.Cell{Text: r.Key, Href: "/dashboards/groups/" + r.Key}
		t.Rows = append(t.Rows, []charts.Cell{label, intCell(r.NPaired, rowRef(r, "n_paired")), numCell(r.MeanChange, 1, rowRef(r, "mean_change")),
			ciCell(r.CILow, r.CIHigh, 1, rowRef(r, "")), pCell(r.PTBH, rowRef(r, "p_t_bh")), charts.Text(""), charts.Text("")})
		rows = append(rows, charts.ForestRow{Label: r.Key, Est: r.MeanChange, Low: r.CILow, High: r.CIHigh})
	}
	summary := "No group has enough paired responses to pool."
	for _, p := range v.res.Pooled {
		if p.Measure != m.ID {
			continue
		}
		ref := "pooled/" + p.Measure + "/"
		t.Rows = append(t.Rows, []charts.Cell{charts.Text("Pooled (random effects)"), intCell(p.K, ref+"k"), numCell(p.Estimate, 1, ref+"estimate"),
			ciCell(p.CILow, p.CIHigh, 1, ref), pCell(p.P, ref+"p"), shareCell(p.I2, ref+"i2"), numCell(p.Tau2, 2, ref+"tau2")})
		rows = append(rows, charts.ForestRow{Label: "Pooled", Est: p.Estimate, Low: p.CILow, High: p.CIHigh, Pooled: true})
		if p.Estimate != nil && p.CILow != nil {
			summary = fmt.Sprintf("Pooled across %d groups, %s changed by %s points (95%% CI %s to %s)", p.K, m.Title,
				fmtNum(*p.Estimate, 1), fmtNum(*p.CILow, 1), fmtNum(*p.CIHigh, 1))
			if p.I2 != nil {
				summary += fmt.Sprintf("; I² = %s%% of the variation is between groups", fmtNum(*p.I2*100, 0))
			}
			summary += "."
		}
	}
	if tooMany {
		summary += fmt.Sprintf(" The %d groups are too many to plot one by one: choose a modality or region to see each group.", shown)
		t.Caption += fmt.Sprintf("; %d groups: filter to list them", shown)
	}
	if withheld > 0 {
		summary += fmt.Sprintf(" %d groups with %s are left out of the plot but included in the pooled estimate.", withheld, fewerText(v.res.MinCell))
		t.Caption += fmt.Sprintf("; %d groups with %s not listed", withheld, fewerText(v.res.MinCell))
	}
	spec := charts.ForestSpec{ID: "forest", Title: "Change per group: " + m.Title, Summary: summary, Rows: rows,
		ValueName: "mean change, points (" + m.BetterWhen() + ")", Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(rows) > 0, t, func() (charts.Figure, error) { return charts.Forest(spec) })
}

// comparisonFigure plots the headline measure's mean change per modality or per region.
func (v *impactView) comparisonFigure(scope string) (charts.Figure, error) {
	m := v.measure(analysis.HeadlineMeasure)
	noun, words := "Modality", modalityWords
	if scope == "region" {
		noun, words = "Region", func(s string) string { return s }
	}
	t := charts.Table{Caption: m.Title + ": mean change by " + scope + " (" + m.BetterWhen() + ")",
		Head: []string{noun, "Paired n", "Mean change", "95% CI", "dz"}}
	var rows []charts.ForestRow
	best := ""
	var bestVal float64
	for _, r := range v.res.Results {
		if r.Scope != scope || r.Measure != m.ID {
			continue
		}
		label := words(r.Key)
		if r.Suppressed {
			t.Rows = append(t.Rows, v.suppressedRow(charts.Text(label), len(t.Head)))
			rows = append(rows, charts.ForestRow{Label: label + " (" + fewerText(v.res.MinCell) + ")"})
			continue
		}
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(label), intCell(r.NPaired, rowRef(r, "n_paired")), numCell(r.MeanChange, 1, rowRef(r, "mean_change")),
			ciCell(r.CILow, r.CIHigh, 1, rowRef(r, "")), numCell(r.DZ, 2, rowRef(r, "dz"))})
		rows = append(rows, charts.ForestRow{Label: label, Est: r.MeanChange, Low: r.CILow, High: r.CIHigh})
		if r.MeanChange != nil {
			gain := *r.MeanChange
			if m.HigherIsWorse {
				gain = -gain
			}
			if best == "" || gain > bestVal {
				best, bestVal = label, gain
			}
		}
	}
	summary := fmt.Sprintf("No %s has enough paired responses to show.", scope)
	if best != "" {
		summary = fmt.Sprintf("Mean change in %s by %s, with 95%% confidence intervals; the largest improvement was in %s (intervals that overlap do not show a difference).",
			m.Title, scope, best)
	}
	spec := charts.ForestSpec{ID: "by-" + scope, Title: m.Title + " by " + scope, Summary: summary, Rows: rows,
		ValueName: "mean change, points (" + m.BetterWhen() + ")", Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, best != "", t, func() (charts.Figure, error) { return charts.Forest(spec) })
}
