package dashboards

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/dashboards/charts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// groupImpactUsers may open a group's dashboard: evaluators (and admins) see it; facilitators
// are sent to their console page, which shows response counts only. Funders never see groups.
var groupImpactUsers = []string{accounts.Admin, accounts.Evaluator, accounts.Facilitator}

type groupImpactPage struct {
	Group     ingest.GroupRecord
	Modality  string // in words
	MinCell   int
	Query     string
	Figures   []charts.Figure
	Pulse     []pulseView
	PulseNote string
}

// pulseView is one session's pulse as the page shows it.
type pulseView struct {
	SessionNo int
	Date      string
	Shown     bool
	Comments  []string
}

// groupImpactShow is GET /dashboards/groups/:group: the group's delivery, its impact when its
// paired sample reaches the threshold, and its session pulse from 10 responses. Facilitators
// are redirected to the console's page of their group, which shows counts only (DESIGN.md).
func (h *handler) groupImpactShow(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("group"))
	a := viewer(c)
	if a.Role == accounts.Facilitator {
		return c.Redirect("/console/groups/"+code, fiber.StatusSeeOther)
	}
	comparison := strings.Clone(c.Query("comparison", "pre-post"))
	if _, ok := analysis.Comparisons[comparison]; !ok {
		return web.NewProblem(fiber.StatusBadRequest, "Unknown comparison.", web.FieldError{Field: "comparison", Message: "use pre-post or pre-followup"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	recs, err := h.DB.GroupRecords(ctx, []string{code})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return web.NewProblem(fiber.StatusNotFound, "There is no group with that code.")
	}
	minCell := h.minCellFor(a)
	o := analysis.Options{Programme: h.Programme, Comparison: comparison, MinCell: minCell}
	res, err := analysis.Run(ctx, h.DB, h.Instruments, o)
	if err != nil {
		return fmt.Errorf("group dashboard: %w", err)
	}
	sessions, err := h.DB.SessionRecords(ctx, code)
	if err != nil {
		return err
	}
	pulse, err := analysis.Pulse(ctx, h.DB, h.Instruments, code, minCell, true)
	if err != nil {
		return err
	}
	v := newImpactView(res, measureMetas(h.Instruments), true)
	p := groupImpactPage{Group: recs[0], Modality: modalityWords(recs[0].Modality), MinCell: minCell}
	if comparison != "pre-post" {
		p.Query = "?comparison=" + comparison
	}
	p.Figures, err = figures(
		func() (charts.Figure, error) { return v.groupDeliveryFigure(code, sessions) },
		func() (charts.Figure, error) { return v.groupImpactFigure(code) },
		func() (charts.Figure, error) { return pulseFigure(code, pulse, minCell) },
	)
	if err != nil {
		return err
	}
	for _, s := range pulse {
		p.Pulse = append(p.Pulse, pulseView{SessionNo: s.SessionNo, Date: s.Date.Format("2 Jan 2006"), Shown: !s.Suppressed, Comments: s.Comments})
	}
	p.PulseNote = fmt.Sprintf("Session feedback is shown for sessions with at least %d responses; comments are never shown for fewer.", max(minCell, analysis.PulseMinRespondents))
	return h.views.Render(c, fiber.StatusOK, "group_impact", web.Page{Title: code + " " + recs[0].Name, Programme: res.Programme, Data: p})
}

// groupDelivery finds the group's delivery row in the engine's output.
func (v *impactView) groupDelivery(code string) (analysis.GroupDelivery, bool) {
	i := slices.IndexFunc(v.res.Groups, func(g analysis.GroupDelivery) bool { return g.GroupCode == code })
	if i < 0 {
		return analysis.GroupDelivery{}, false
	}
	return v.res.Groups[i], true
}

// groupDeliveryFigure charts attendance per session, with the group's delivery figures in the
// table: sessions, topics, attendance and facilitator minutes.
func (v *impactView) groupDeliveryFigure(code string, sessions []ingest.SessionRecord) (charts.Figure, error) {
	d, _ := v.groupDelivery(code)
	ref := "group/" + code + "/"
	t := charts.Table{Caption: "Sessions held, with attendance and facilitator minutes", Head: []string{"Session", "Date", "Topic", "Attended", "Facilitator minutes"}}
	var cats []string
	att := charts.Series{Name: "Attended"}
	for _, s := range sessions {
		label := fmt.Sprintf("Session %d", s.No)
		attended := charts.Text("not recorded")
		if s.Recorded {
			attended = charts.Text(fmt.Sprint(s.Attended))
			att.Values = append(att.Values, ptr(float64(s.Attended)))
		} else {
			att.Values = append(att.Values, nil)
		}
		cats = append(cats, label)
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(label), charts.Text(s.Date.Format("2 Jan 2006")), charts.Text(s.Topic), attended,
			charts.Text(fmt.Sprint(s.FacilitatorMinutes))})
	}
	t.Rows = append(t.Rows, []charts.Cell{charts.Text("All sessions"), charts.Text(""), charts.Text(""),
		shareCell(d.AttendanceRate, ref+"attendance_rate"), intCell(d.MinutesUsed, ref+"facilitator_minutes_used")})
	summary := fmt.Sprintf("%d of %d planned sessions held, using %d of %d facilitator minutes.", d.SessionsHeld, d.PlannedSessions, d.MinutesUsed, d.MinutesBudget)
	if d.AttendanceRate != nil {
		summary += fmt.Sprintf(" Attendance: %s%% of places marked at sessions held.", fmtNum(*d.AttendanceRate*100, 0))
	}
	spec := charts.BarSpec{ID: "delivery", Title: "Delivery", Summary: summary, Categories: cats, Series: []charts.Series{att}, ValueName: "people attending", Min: 0, Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(sessions) > 0, t, func() (charts.Figure, error) { return charts.Bars(spec) })
}

// groupImpactFigure is the group's change per measure, when its paired sample reaches the
// threshold: a forest plot of the burnout measures (one scale) and every measure in the table.
func (v *impactView) groupImpactFigure(code string) (charts.Figure, error) {
	d, _ := v.groupDelivery(code)
	t := charts.Table{Caption: "Change per measure in this group (participants who answered both times)",
		Head: []string{"Measure", "Direction", "Paired n", "Mean before", "Mean after", "Mean change", "95% CI", "dz", "p (BH-adjusted)"}}
	if !d.Suppressed {
		t.Caption += fmt.Sprintf("; answered before only: %d, later only: %d, both: %d", *d.PreOnly, *d.PostOnly, *d.Both)
	}
	var rows []charts.ForestRow
	shown := 0
	for _, m := range v.measures {
		r := v.row("group", code, m.ID)
		if r.Suppressed || r.Measure == "" {
			row := v.suppressedRow(charts.Text(m.Title), len(t.Head))
			row[1] = charts.Text(m.BetterWhen())
			t.Rows = append(t.Rows, row)
			continue
		}
		shown++
		t.Rows = append(t.Rows, []charts.Cell{charts.Text(m.Title), charts.Text(m.BetterWhen()), intCell(r.NPaired, rowRef(r, "n_paired")),
			numCell(r.MeanPre, 1, rowRef(r, "mean_pre")), numCell(r.MeanPost, 1, rowRef(r, "mean_post")), numCell(r.MeanChange, 1, rowRef(r, "mean_change")),
			ciCell(r.CILow, r.CIHigh, 1, rowRef(r, "")), numCell(r.DZ, 2, rowRef(r, "dz")), pCell(r.PTBH, rowRef(r, "p_t_bh"))})
		if m.HigherIsWorse {
			rows = append(rows, charts.ForestRow{Label: m.Title, Est: r.MeanChange, Low: r.CILow, High: r.CIHigh})
		}
	}
	summary := fmt.Sprintf("This group's results are not shown: %s answered both times, or showing them would reveal a smaller group's.", fewerText(v.res.MinCell))
	if shown > 0 {
		summary = "Mean change in burnout in this group with 95% confidence intervals (lower is better); a single group is small, so intervals are wide."
	}
	spec := charts.ForestSpec{ID: "group-impact", Title: "Impact in this group", Summary: summary, Rows: rows, ValueName: "mean change, points (lower is better)", Table: t}
	return v.maybeChart(spec.ID, spec.Title, summary, len(rows) > 0, t, func() (charts.Figure, error) { return charts.Forest(spec) })
}

// pulseFigure charts the share agreeing with each pulse question per shown session.
func pulseFigure(code string, pulse []analysis.PulseSession, minCell int) (charts.Figure, error) {
	t := charts.Table{Caption: "Session feedback: mean (1–5) and share agreeing, per question", Head: []string{"Session and question", "Answered", "Mean (1–5)", "Agree or strongly agree"}}
	var cats []string
	series := map[string]*charts.Series{}
	var order []string
	floor := max(minCell, analysis.PulseMinRespondents)
	for _, s := range pulse {
		label := fmt.Sprintf("Session %d", s.SessionNo)
		if s.Suppressed {
			t.Rows = append(t.Rows, []charts.Cell{charts.Text(label), fewerCell(floor), fewerCell(floor), fewerCell(floor)})
			continue
		}
		cats = append(cats, label)
		for _, it := range s.Items {
			ref := fmt.Sprintf("pulse/%d/%s/", s.SessionNo, it.ItemID)
			t.Rows = append(t.Rows, []charts.Cell{charts.Text(label + ": " + it.Text), intCell(it.Answered, ref+"answered"),
				numCell(it.Mean, 2, ref+"mean"), shareCell(it.Agree, ref+"agree")})
			if series[it.ItemID] == nil {
				series[it.ItemID] = &charts.Series{Name: it.Text}
				order = append(order, it.ItemID)
			}
			series[it.ItemID].Values = append(series[it.ItemID].Values, pct(it.Agree))
		}
	}
	var ss []charts.Series
	for _, id := range order {
		ss = append(ss, *series[id])
	}
	summary := fmt.Sprintf("No session has %d or more feedback responses yet.", floor)
	if len(cats) > 0 {
		summary = fmt.Sprintf("Share agreeing with each feedback question, for the %d sessions with at least %d responses.", len(cats), floor)
	}
	spec := charts.BarSpec{ID: "pulse", Title: "Session feedback", Summary: summary, Categories: cats, Series: ss, ValueName: "% agreeing", Min: 0, Max: 100, Table: t}
	if len(cats) == 0 {
		return charts.Figure{ID: spec.ID, Title: spec.Title, Summary: summary, Table: t}, nil
	}
	return charts.Bars(spec)
}
