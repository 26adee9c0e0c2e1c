package workbook

import (
	"fmt"
	"slices"

	"github.com/peerpulse/peerpulse/analysis"
)

// summary writes the first sheet: did it work (headline table per measure), for whom (change
// in the headline measure by modality) and at what cost, with two native charts.
func (r *report) summary() error {
	s, err := newSheet(r.f, r.st, sheetSummary, []float64{44, 9, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11}, 3)
	if err != nil {
		return err
	}
	audience := "Funder report"
	if r.kind == evaluator {
		audience = "Evaluator report"
	}
	err = s.title(r.programme()+": did it work, for whom, at what cost?",
		fmt.Sprintf("%s. Comparing %s; %s. Filters: %s.", audience, r.comparisonWords(), r.periodWords(), r.filters()),
		fmt.Sprintf("No figure is shown for fewer than %d people ('%s'). Generated %s UTC from data version %s.",
			r.res.MinCell, r.fewer(), r.res.GeneratedAt.Format("2 January 2006 15:04"), r.meta.version))
	if err != nil {
		return err
	}
	prev, err := r.headline(s)
	if err != nil {
		return err
	}
	byModality, err := r.forWhom(s)
	if err != nil {
		return err
	}
	if err := r.atWhatCost(s); err != nil {
		return err
	}
	if err := r.summaryCharts(prev, byModality); err != nil {
		return err
	}
	return s.finish(nil)
}

// headlineOrder puts measures with a cut-off first so their prevalence cells are one range
// the chart can read.
func (r *report) headlineOrder() []measureInfo {
	ms := slices.Clone(r.measures)
	slices.SortStableFunc(ms, func(a, b measureInfo) int {
		return boolRank(a.cutoff == nil) - boolRank(b.cutoff == nil)
	})
	return ms
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// overall finds the programme row of a measure.
func (r *report) overall(measure string) (analysis.Row, bool) {
	for _, row := range r.res.Results {
		if row.Scope == "overall" && row.Measure == measure {
			return row, true
		}
	}
	return analysis.Row{}, false
}

// span is a block of rows on a sheet that a chart reads.
type span struct{ header, first, last int }

func (p span) ok() bool { return p.last >= p.first && p.first > 0 }

var headlineColumns = []column{
	{"Measure", "the scale (CBI burnout 0–100, ≥ 50 is high; NSS morale 0–10)", "text", 0},
	{"Better when", "lower: the score measures burnout; higher: it measures morale", "text", 0},
	{"n paired", "people who answered both before and after: the sample for every figure in the row", "count", 0},
	{"Before (mean)", "mean score before, paired sample", "1 decimal", 0},
	{"After (mean)", "mean score after, paired sample", "1 decimal", 0},
	{"Change (mean)", "mean of after − before", "1 decimal, signed", 0},
	{"95% CI low", "lower end of the 95% confidence interval of the change", "1 decimal, signed", 0},
	{"95% CI high", "upper end of the 95% confidence interval of the change", "1 decimal, signed", 0},
	{"Effect size (dz)", "mean change ÷ SD of change", "2 decimals, signed", 0},
	{"% reliably improved", "(recovered + reliably improved) ÷ n paired, Jacobson & Truax reliable change", "per cent", 0},
	{"High before (≥ cut-off)", "share at or above the cut-off before (CBI ≥ 50: high burnout)", "per cent", 0},
	{"High after (≥ cut-off)", "share at or above the cut-off after", "per cent", 0},
}

// headline writes "Did it work?": one row per measure for the whole programme. It returns the
// rows of the measures with a cut-off, for the prevalence chart.
func (r *report) headline(s *sheet) (span, error) {
	st := r.st
	s.skip(1)
	if err := s.add(cell(st.heading, "Did it work?")); err != nil {
		return span{}, err
	}
	if row, ok := r.overall(analysis.HeadlineMeasure); ok {
		if err := s.add(cell(st.note, r.headlineSentence(row))); err != nil {
			return span{}, err
		}
	}
	names, _ := r.define(sheetSummary+" (did it work?)", headlineColumns)
	if _, err := s.header(names...); err != nil {
		return span{}, err
	}
	prev := span{header: s.row}
	for _, m := range r.headlineOrder() {
		row, ok := r.overall(m.id)
		if !ok {
			continue
		}
		cells := []any{st.str(m.title), st.str(m.betterWhen())}
		if row.Suppressed {
			cells = append(cells, r.suppressedCell())
		} else {
			cells = append(cells, st.n(row.NPaired), st.num(row.MeanPre, st.score), st.num(row.MeanPost, st.score),
				st.num(row.MeanChange, st.change), st.num(row.CILow, st.change), st.num(row.CIHigh, st.change),
				st.num(row.DZ, st.effect), st.num(improvedShare(row), st.prop),
				st.num(row.PrevPre, st.prop), st.num(row.PrevPost, st.prop))
		}
		if err := s.add(cells...); err != nil {
			return span{}, err
		}
		if m.cutoff != nil {
			if prev.first == 0 {
				prev.first = s.row
			}
			prev.last = s.row
		}
	}
	err := s.add(cell(st.note, "Change is after − before. Burnout (CBI, 0–100): a fall is an improvement. Morale (NSS, 0–10): a rise is an improvement. A blank cell is not estimable."))
	return prev, err
}

// headlineSentence says the headline result in words, or why it is withheld.
func (r *report) headlineSentence(row analysis.Row) string {
	m := r.measure(row.Measure)
	if row.Suppressed {
		return fmt.Sprintf("%s: fewer than %d people answered before and after, so no result is shown.", m.title, r.res.MinCell)
	}
	if row.MeanChange == nil {
		return fmt.Sprintf("%s: no change can be estimated yet.", m.title)
	}
	text := fmt.Sprintf("%s changed by %+.1f points on average among %d people who answered before and after", m.title, *row.MeanChange, row.NPaired)
	if row.CILow != nil && row.CIHigh != nil {
		text += fmt.Sprintf(" (95%% CI %+.1f to %+.1f)", *row.CILow, *row.CIHigh)
	}
	if share := improvedShare(row); share != nil {
		text += fmt.Sprintf("; %.0f%% improved reliably", 100**share)
	}
	return text + ". " + fmt.Sprintf("For this measure %s is better.", m.betterWhen())
}

var modalityColumns = []column{
	{"Modality", "kind of peer-support group", "text", 0},
	{"n paired (by modality)", "people in groups of this modality who answered before and after", "count", 0},
	{"Change (by modality)", "mean change in the headline measure", "1 decimal, signed", 0},
	{"95% CI low (by modality)", "lower end of its 95% confidence interval", "1 decimal, signed", 0},
	{"95% CI high (by modality)", "upper end of its 95% confidence interval", "1 decimal, signed", 0},
	{"Error bar up", "95% CI high − change: the length of the chart's upper error bar", "1 decimal", 0},
	{"Error bar down", "change − 95% CI low: the length of the chart's lower error bar", "1 decimal", 0},
}

// forWhom writes the headline measure's change by modality; shown modalities come first so
// the chart reads one range. It returns that range.
func (r *report) forWhom(s *sheet) (span, error) {
	st := r.st
	m := r.measure(analysis.HeadlineMeasure)
	s.skip(1)
	if err := s.add(cell(st.heading, fmt.Sprintf("For whom? %s by modality (%s is better)", m.title, m.betterWhen()))); err != nil {
		return span{}, err
	}
	names, _ := r.define(sheetSummary+" (for whom?)", modalityColumns)
	if _, err := s.header(names...); err != nil {
		return span{}, err
	}
	chart := span{header: s.row}
	var shown, withheld []analysis.Row
	for _, row := range r.res.Results {
		if row.Scope != "modality" || row.Measure != analysis.HeadlineMeasure {
			continue
		}
		if row.Suppressed || row.MeanChange == nil {
			withheld = append(withheld, row)
		} else {
			shown = append(shown, row)
		}
	}
	for _, row := range shown {
		var up, down *float64
		if row.CILow != nil && row.CIHigh != nil {
			u, d := *row.CIHigh-*row.MeanChange, *row.MeanChange-*row.CILow
			up, down = &u, &d
		}
		err := s.add(st.str(row.Key), st.n(row.NPaired), st.num(row.MeanChange, st.change), st.num(row.CILow, st.change),
			st.num(row.CIHigh, st.change), st.num(up, st.score), st.num(down, st.score))
		if err != nil {
			return span{}, err
		}
		if chart.first == 0 {
			chart.first = s.row
		}
		chart.last = s.row
	}
	for _, row := range withheld {
		var c any = r.suppressedCell()
		if !row.Suppressed {
			c = st.n(row.NPaired)
		}
		if err := s.add(st.str(row.Key), c); err != nil {
			return span{}, err
		}
	}
	return chart, nil
}

// atWhatCost writes the programme's cost lines.
func (r *report) atWhatCost(s *sheet) error {
	st := r.st
	s.skip(1)
	if err := s.add(cell(st.heading, "At what cost?")); err != nil {
		return err
	}
	names, _ := r.define(sheetSummary+" (at what cost?)", []column{
		{"Item", "what the figure is", "text", 0},
		{"Value", "the figure; see the Delivery sheet for how each is counted", "money or count", 0},
	})
	if _, err := s.header(names...); err != nil {
		return err
	}
	for _, line := range r.costLines() {
		if err := s.add(st.str(line.label), line.value); err != nil {
			return err
		}
	}
	return nil
}

// costLine is one labelled figure about cost.
type costLine struct {
	label string
	value any
}

// costLines are the cost figures shared by Summary and Delivery. Without a tariff no cost is
// shown: a made-up rate would mislead.
func (r *report) costLines() []costLine {
	st, t := r.st, r.res.Totals
	m := r.measure(analysis.HeadlineMeasure)
	if t.Cost == nil {
		return []costLine{{"Facilitator cost", st.str("not set: give the programme a tariff per facilitator hour")}}
	}
	lines := []costLine{
		{"Facilitator cost (minutes used × tariff)", st.num(t.Cost, st.money)},
		{"Tariff per facilitator hour", st.num(t.Tariff, st.money)},
	}
	if t.Participants >= r.res.MinCell {
		per := *t.Cost / float64(t.Participants)
		lines = append(lines, costLine{"Participants (answered at least once)", st.n(t.Participants)},
			costLine{"Cost per participant", st.num(&per, st.money)})
	} else {
		lines = append(lines, costLine{"Participants (answered at least once)", r.suppressedCell()},
			costLine{"Cost per participant", r.suppressedCell()})
	}
	label := "Cost per reliable improvement in " + m.title
	switch row, ok := r.overall(analysis.HeadlineMeasure); {
	case !ok || row.Suppressed:
		lines = append(lines, costLine{label, r.suppressedCell()})
	default:
		lines = append(lines, costLine{label, st.num(t.CostPerImprovement, st.money)})
	}
	return lines
}
