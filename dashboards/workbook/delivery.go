package workbook

import (
	"fmt"

	"github.com/peerpulse/peerpulse/analysis"
)

// delivery writes the programme's delivery and response totals, the cost lines and whether
// those who stopped answering differed at baseline. Group rows are on Group delivery, for
// evaluators only.
func (r *report) delivery() error {
	const headerRow = 5
	s, err := newSheet(r.f, r.st, sheetDelivery, []float64{52, 16, 70}, headerRow)
	if err != nil {
		return err
	}
	err = s.title("Delivery: groups, sessions, attendance, facilitator time and cost",
		fmt.Sprintf("%s. Filters: %s. Respondent counts below %d are withheld.", r.programme(), r.filters(), r.res.MinCell))
	if err != nil {
		return err
	}
	s.skip(headerRow - 1 - s.row)
	names, _ := r.define(sheetDelivery, []column{
		{"Item", "what the figure is", "text", 0},
		{"Value", "the figure, from the analysis of the same filters", "count, per cent or money", 0},
		{"How it is counted", "the definition", "text", 0},
	})
	t, err := s.header(names...)
	if err != nil {
		return err
	}
	t.noFilter = true
	for _, line := range r.deliveryLines() {
		if err := s.add(r.st.str(line.label), line.value, r.st.str(line.how)); err != nil {
			return err
		}
	}
	for _, line := range r.costLines() {
		if err := s.add(r.st.str(line.label), line.value); err != nil {
			return err
		}
	}
	t.lastRow = s.row
	if err := r.baseline(s); err != nil {
		return err
	}
	return s.finish(&t)
}

// deliveryLine is one labelled figure with its definition.
type deliveryLine struct {
	label string
	value any
	how   string
}

func (r *report) deliveryLines() []deliveryLine {
	st, t := r.st, r.res.Totals
	people := func(n int) any {
		if n < r.res.MinCell {
			return r.suppressedCell()
		}
		return st.n(n)
	}
	lines := []deliveryLine{
		{"Groups", st.n(t.Groups), "peer-support groups in scope"},
		{"Places", st.n(t.Capacity), "sum of the groups' capacities"},
		{"Sessions held", st.n(t.SessionsHeld), "sessions recorded"},
		{"Facilitator minutes used", st.n(t.MinutesUsed), "sum of facilitator minutes over sessions held"},
		{"Facilitator minutes budgeted", st.n(t.MinutesBudget), "sum of the groups' budgets"},
	}
	if t.MinutesBudget > 0 {
		used := float64(t.MinutesUsed) / float64(t.MinutesBudget)
		lines = append(lines, deliveryLine{"Minutes used of budget", st.num(&used, st.prop), "minutes used ÷ minutes budgeted"})
	}
	if mean, n := r.meanAttendance(); n > 0 {
		lines = append(lines, deliveryLine{"Attendance (mean over groups)", st.num(&mean, st.prop),
			fmt.Sprintf("mean over %d groups of each group's sessions attended ÷ (attendees × sessions held)", n)})
	}
	return append(lines,
		deliveryLine{"Participants who answered at least once", people(t.Participants), "people with a counted questionnaire at either timepoint"},
		deliveryLine{"Answered at baseline", people(t.RespondentsPre), "people with a counted baseline questionnaire"},
		deliveryLine{"Answered later", people(t.RespondentsLater), "people with a counted later questionnaire"},
	)
}

// meanAttendance is the unweighted mean of the groups' attendance rates, as given by the
// analysis; the analysis has no programme-level rate (see docs/METHODS.md).
func (r *report) meanAttendance() (float64, int) {
	sum, n := 0.0, 0
	for _, g := range r.res.Groups {
		if g.AttendanceRate != nil {
			sum += *g.AttendanceRate
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}

// baseline writes the completers versus drop-outs comparison.
func (r *report) baseline(s *sheet) error {
	st := r.st
	s.skip(1)
	if err := s.add(cell(st.heading, "Did those who stopped answering differ at baseline?")); err != nil {
		return err
	}
	names, _ := r.define(sheetDelivery+" (baseline)", []column{
		{"Measure", "the scale", "text", 0},
		{"n answered again", "people with a valid baseline score and a counted later questionnaire", "count", 0},
		{"Baseline mean (answered again)", "their mean baseline score", "1 decimal", 0},
		{"n did not answer again", "people with a valid baseline score and no later questionnaire", "count", 0},
		{"Baseline mean (did not)", "their mean baseline score", "1 decimal", 0},
	})
	if _, err := s.header(names...); err != nil {
		return err
	}
	for _, b := range r.res.Baseline {
		cells := []any{st.str(r.measure(b.Measure).title)}
		cells = append(cells, r.countOrFewer(b.NCompleters), st.num(b.MeanPreCompleters, st.score),
			r.countOrFewer(b.NDropouts), st.num(b.MeanPreDropouts, st.score))
		if err := s.add(cells...); err != nil {
			return err
		}
	}
	return nil
}

// countOrFewer shows a count the analysis kept, or "fewer than N" where it withheld one.
func (r *report) countOrFewer(n *int) any {
	if n == nil {
		return r.suppressedCell()
	}
	return r.st.n(*n)
}

var groupDeliveryColumns = []column{
	{"Group code", "the group's code", "text", 11},
	{"Group name", "the group's display name", "text", 34},
	{"Modality", "kind of peer-support group", "text", 20},
	{"Region", "the group's region", "text", 20},
	{"Places", "capacity", "count", 8},
	{"Sessions planned", "sessions funded", "count", 9},
	{"Sessions held", "sessions recorded", "count", 9},
	{"Facilitator minutes used", "sum over sessions held", "count", 11},
	{"Facilitator minutes budget", "the group's budget", "count", 11},
	{"Cost", "minutes used × tariff", "money", 11},
	{"Attendance rate", "sessions attended ÷ (attendees × sessions held)", "per cent", 11},
	{"Answered before only", "people with a baseline but no later questionnaire", "count", 10},
	{"Answered after only", "people with a later but no baseline questionnaire", "count", 10},
	{"Answered both", "people with both", "count", 10},
	{"Response rate before", "answered at baseline ÷ places", "per cent", 10},
	{"Response rate after", "answered later ÷ places", "per cent", 10},
	{"Cost per reliable improvement", "cost ÷ people reliably improved in the headline measure", "money", 12},
}

// groupDelivery writes one row per group (evaluators only): delivery figures always, respondent
// figures only for groups with at least min cell respondents.
func (r *report) groupDelivery() error {
	names, widths := r.define(sheetGroupDelivery, groupDeliveryColumns)
	const headerRow = 4
	s, err := newSheet(r.f, r.st, sheetGroupDelivery, widths, headerRow)
	if err != nil {
		return err
	}
	err = s.title("Delivery by group",
		fmt.Sprintf("%s. Filters: %s. Respondent figures for groups with fewer than %d respondents are withheld.", r.programme(), r.filters(), r.res.MinCell))
	if err != nil {
		return err
	}
	s.skip(headerRow - 1 - s.row)
	t, err := s.header(names...)
	if err != nil {
		return err
	}
	for _, g := range r.res.Groups {
		if err := s.add(r.groupDeliveryCells(g)...); err != nil {
			return err
		}
	}
	t.lastRow = s.row
	return s.finish(&t)
}

func (r *report) groupDeliveryCells(g analysis.GroupDelivery) []any {
	st := r.st
	region := ""
	if g.Region != nil {
		region = *g.Region
	}
	cells := []any{st.str(g.GroupCode), st.str(r.meta.groupNames[g.GroupCode]), st.str(g.Modality), st.str(region),
		st.n(g.Capacity), st.n(g.PlannedSessions), st.n(g.SessionsHeld), st.n(g.MinutesUsed), st.n(g.MinutesBudget),
		st.num(g.Cost, st.money), st.num(g.AttendanceRate, st.prop)}
	if g.Suppressed {
		return append(cells, r.suppressedCell())
	}
	return append(cells, st.cnt(g.PreOnly), st.cnt(g.PostOnly), st.cnt(g.Both),
		st.num(g.ResponseRatePre, st.prop), st.num(g.ResponseRatePost, st.prop), st.num(g.CostPerImprovement, st.money))
}
