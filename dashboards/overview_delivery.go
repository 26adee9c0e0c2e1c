package dashboards

import (
	"fmt"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/charts"
)

// kpi is one tile at the top of the overview.
type kpi struct {
	Label string
	Cell  charts.Cell
	Note  string
}

// kpis are the programme at a glance: delivery and response figures from the engine's totals.
func (v *impactView) kpis() []kpi {
	tot := v.res.Totals
	running := 0
	for _, g := range v.res.Groups {
		if g.SessionsHeld > 0 {
			running++
		}
	}
	head := v.row("overall", "all", analysis.HeadlineMeasure)
	match := kpi{Label: "Matched before and after", Cell: fewerCell(v.res.MinCell), Note: "of those who answered before, on " + v.measure(analysis.HeadlineMeasure).Title}
	if !head.Suppressed {
		match.Cell = shareCell(ratio(head.NPaired, head.NPre), rowRef(head, "n_paired")+"÷"+rowRef(head, "n_pre"))
	}
	minutes := intCell(tot.MinutesUsed, "totals/facilitator_minutes_used")
	return []kpi{
		{Label: "Groups running", Cell: charts.Cell{Text: fmt.Sprint(running), Value: fmt.Sprint(running), Ref: "count:groups/sessions_held>0"},
			Note: fmt.Sprintf("of %d groups", tot.Groups)},
		{Label: "Attendees who answered", Cell: intCell(tot.Participants, "totals/participants"), Note: fmt.Sprintf("%d places in groups", tot.Capacity)},
		{Label: "Sessions held", Cell: intCell(tot.SessionsHeld, "totals/sessions_held")},
		{Label: "Response rate before", Cell: shareCell(ratio(tot.RespondentsPre, tot.Capacity), "totals/respondents_pre÷totals/capacity"), Note: "baseline questionnaires per place"},
		match,
		{Label: "Facilitator minutes used", Cell: minutes, Note: fmt.Sprintf("of a budget of %d (%s%%)", tot.MinutesBudget, pctText(ratio(tot.MinutesUsed, tot.MinutesBudget)))},
	}
}

func pctText(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmtNum(*v*100, 0)
}

// doseFigure is the headline measure's mean change by sessions attended, with Spearman's ρ
// between sessions and change in the summary.
func (v *impactView) doseFigure() (charts.Figure, error) {
	m := v.measure(analysis.HeadlineMeasure)
	t := charts.Table{Caption: m.Title + ": mean change by sessions attended (" + m.BetterWhen() + ")",
		Head: []string{"Sessions attended", "Paired n", "Mean change"}}
	var cats []string
	change := charts.Series{Name: "Mean change"}
	drawn := false
	for _, b := range v.res.Spread.Dose {
		if b.Measure != m.ID {
			continue
		}
		cats = append(cats, b.Band)
		if b.Suppressed {
			t.Rows = append(t.Rows, v.suppressedRow(charts.Text(b.Band), len(t.Head)))
			change.Values = append(change.Values, nil)
			continue
		}
		ref := "dose/" + b.Measure + "/" + b.Band + "/"
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(b.Band), intPtrCell(b.NPaired, ref+"n_paired"), numCell(b.MeanChange, 1, ref+"mean_change")})
		change.Values = append(change.Values, b.MeanChange)
		drawn = drawn || b.MeanChange != nil
	}
	summary := "Mean change by the number of sessions attended."
	if r := v.row("overall", "all", m.ID); !r.Suppressed && r.SpearmanRho != nil && r.PSpearman != nil {
		summary = fmt.Sprintf("Mean change by the number of sessions attended; the rank correlation between sessions attended and change is ρ = %s (p = %s).",
			fmtNum(*r.SpearmanRho, 2), pCell(r.PSpearman, "").Text)
	}
	spec := charts.BarSpec{ID: "dose", Title: "Dose and response: " + m.Title, Summary: summary, Categories: cats,
		Series: []charts.Series{change}, ValueName: "mean change, points", Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, drawn, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// funnelFigure follows places to matched responses: where people were lost.
func (v *impactView) funnelFigure() (charts.Figure, error) {
	tot := v.res.Totals
	head := v.row("overall", "all", analysis.HeadlineMeasure)
	type stage struct {
		label string
		cell  charts.Cell
		n     *float64
	}
	stages := []stage{
		{"Places in groups", intCell(tot.Capacity, "totals/capacity"), ptr(float64(tot.Capacity))},
		{"Answered at least once", intCell(tot.Participants, "totals/participants"), ptr(float64(tot.Participants))},
		{"Answered before", intCell(tot.RespondentsPre, "totals/respondents_pre"), ptr(float64(tot.RespondentsPre))},
		{"Answered later", intCell(tot.RespondentsLater, "totals/respondents_later"), ptr(float64(tot.RespondentsLater))},
	}
	if head.Suppressed {
		stages = append(stages, stage{"Matched (both times)", fewerCell(v.res.MinCell), nil})
	} else {
		stages = append(stages, stage{"Matched (both times)", intCell(head.NPaired, rowRef(head, "n_paired")), ptr(float64(head.NPaired))})
	}
	t := charts.Table{Caption: "Response and attrition, programme level", Head: []string{"Stage", "People", "Share of places"}}
	var cats []string
	s := charts.Series{Name: "People"}
	for _, st := range stages {
		share := charts.Text("")
		if st.n != nil && st.cell.Ref != "" {
			share = shareCell(ratio(int(*st.n), tot.Capacity), st.cell.Ref+"÷totals/capacity")
		}
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(st.label), st.cell, share})
		cats = append(cats, st.label)
		s.Values = append(s.Values, st.n)
	}
	summary := fmt.Sprintf("Of %d places, %d people answered before the programme and %d later.", tot.Capacity, tot.RespondentsPre, tot.RespondentsLater)
	spec := charts.BarSpec{ID: "funnel", Title: "Response and attrition", Summary: summary, Categories: cats, Series: []charts.Series{s},
		ValueName: "people", Horizontal: true, Table: t}
	return charts.Bars(spec)
}

// baselineFigure compares the baseline scores of completers and drop-outs: were those who left
// different to start with?
func (v *impactView) baselineFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "Mean baseline score of those who answered later (completers) and those who did not (drop-outs)",
		Head: []string{"Measure", "Completers", "Completers' mean before", "Drop-outs", "Drop-outs' mean before"}}
	var cats []string
	comp, drop := charts.Series{Name: "Completers"}, charts.Series{Name: "Drop-outs"}
	for _, b := range v.res.Baseline {
		m := v.measure(b.Measure)
		ref := "baseline/" + b.Measure + "/"
		row := []charts.Cell{charts.Text(m.Title), v.fewer(), v.fewer(), v.fewer(), v.fewer()}
		if b.NCompleters != nil {
			row[1], row[2] = intPtrCell(b.NCompleters, ref+"n_completers"), numCell(b.MeanPreCompleters, 1, ref+"mean_pre_completers")
		}
		if b.NDropouts != nil {
			row[3], row[4] = intPtrCell(b.NDropouts, ref+"n_dropouts"), numCell(b.MeanPreDropouts, 1, ref+"mean_pre_dropouts")
		}
		t.Rows = append(t.Rows, row)
		if m.HigherIsWorse {
			cats = append(cats, m.Title)
			comp.Values = append(comp.Values, b.MeanPreCompleters)
			drop.Values = append(drop.Values, b.MeanPreDropouts)
		}
	}
	summary := "Baseline burnout of completers and drop-outs (lower is better); a difference suggests those who left were not like those who stayed."
	spec := charts.BarSpec{ID: "completers", Title: "Completers and drop-outs at baseline", Summary: summary, Categories: cats,
		Series: []charts.Series{comp, drop}, ValueName: "mean score before (0–100)", Horizontal: true, Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(cats) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// nssMorale are the NHS Staff Survey's national morale scores (INSTRUMENTS.md §3): context from
// another population, never a comparison group.
var nssMorale = []struct {
	year  string
	score float64
}{{"2020", 6.1}, {"2021", 5.8}, {"2022", 5.7}}

// nssBurnout are the national shares answering "often" or "always" to two CBI-worded items.
var nssBurnout = []struct{ item, year, share string }{
	{"Burnt out because of work", "2022", "34%"}, {"Burnt out because of work", "2023", "30%"},
	{"Burnt out because of work", "2024", "30%"}, {"Work emotionally exhausting", "2023", "34%"},
}

// nationalFigure sets the programme's morale beside the national NSS figures, labelled as a
// different population.
func (v *impactView) nationalFigure() (charts.Figure, error) {
	t := charts.Table{Caption: "National NHS Staff Survey figures (all NHS staff: another population) and this programme",
		Head: []string{"Source", "Population", "Figure"}}
	var cats []string
	s := charts.Series{Name: "Morale (0–10, higher is better)"}
	for _, n := range nssMorale {
		cats = append(cats, "NSS "+n.year+" (national)")
		s.Values = append(s.Values, ptr(n.score))
		t.Rows = append(t.Rows, []charts.Cell{charts.Text("NHS Staff Survey " + n.year), charts.Text("All NHS staff in England"), charts.Text("Morale " + fmtNum(n.score, 1))})
	}
	for _, n := range nssBurnout {
		t.Rows = append(t.Rows, []charts.Cell{charts.Text("NHS Staff Survey " + n.year), charts.Text("All NHS staff in England"),
			charts.Text(fmt.Sprintf("%q often or always: %s", n.item, n.share))})
	}
	r := v.row("overall", "all", "morale")
	if r.Suppressed {
		t.Rows = append(t.Rows, v.suppressedRow(charts.Text("This programme, morale before and after"), len(t.Head)))
	} else {
		for _, x := range []struct {
			label, field string
			val          *float64
		}{{"before", "mean_pre", r.MeanPre}, {"after", "mean_post", r.MeanPost}} {
			cats = append(cats, "This programme, "+x.label)
			s.Values = append(s.Values, x.val)
			t.Rows = append(t.Rows, []charts.Cell{charts.Text("This programme, " + x.label), charts.Text("Participants who answered both times"), numCell(x.val, 1, rowRef(r, x.field))})
		}
	}
	summary := "National NHS Staff Survey morale for all NHS staff, a different population from this programme's participants: shown for context, not as a comparison group."
	spec := charts.BarSpec{ID: "national", Title: "National context (NHS Staff Survey, another population)", Summary: summary, Categories: cats,
		Series: []charts.Series{s}, ValueName: "morale (0–10)", Horizontal: true, Min: 0, Max: 10, Table: t}
	return charts.Bars(spec)
}
