package workbook

import (
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
)

// text is a string cell: stored as a string with the Text format, never as a formula.
func (s *styles) str(v string) any {
	if v == "" {
		return nil
	}
	return excelize.Cell{StyleID: s.text, Value: v}
}

// num is a number in the given style, or an empty cell when the statistic is not estimable.
func (s *styles) num(v *float64, style int) any {
	if v == nil || !finite(*v) {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: *v}
}

// pval is a p value shown to three significant digits.
func (s *styles) pval(v *float64) any {
	if v == nil || !finite(*v) {
		return nil
	}
	return excelize.Cell{StyleID: s.pStyle(*v), Value: *v}
}

// count is a whole number, or empty.
func (s *styles) cnt(v *int) any {
	if v == nil {
		return nil
	}
	return excelize.Cell{StyleID: s.count, Value: *v}
}

func (s *styles) n(v int) any { return excelize.Cell{StyleID: s.count, Value: v} }

func (s *styles) day(t time.Time) any {
	return excelize.Cell{StyleID: s.date, Value: t.UTC()}
}

// suppressedCell reads "fewer than N" and carries no number.
func (r *report) suppressedCell() any {
	return excelize.Cell{StyleID: r.st.suppressed, Value: r.fewer()}
}

// improvedShare is the share of the paired sample that improved reliably (recovered included),
// as the analysis's own table shows it; nil when reliable change is not estimable.
func improvedShare(row analysis.Row) *float64 {
	if row.RCIImproved == nil || row.NPaired == 0 {
		return nil
	}
	n := *row.RCIImproved
	if row.RCIRecovered != nil {
		n += *row.RCIRecovered
	}
	v := float64(n) / float64(row.NPaired)
	return &v
}

// statColumns are the statistics of one row (INSTRUMENTS.md §5), in the results' order. The
// Groups sheet adds the Benjamini–Hochberg p.
func statColumns(groups bool) []column {
	cols := []column{
		{"n before", "participants in scope with a valid score at baseline", "count", 9},
		{"n after", "participants in scope with a valid score at the later timepoint", "count", 9},
		{"n paired", "participants with a valid score at both: the sample every statistic uses", "count", 10},
		{"Before (mean)", "mean baseline score of the paired sample", "1 decimal", 10},
		{"After (mean)", "mean later score of the paired sample", "1 decimal", 10},
		{"Change (mean)", "mean of after − before (CBI: negative is better; morale: positive is better)", "1 decimal, signed", 10},
		{"SD of change", "standard deviation of the change (n − 1)", "1 decimal", 9},
		{"95% CI low", "lower end of the 95% confidence interval of the mean change (paired t)", "1 decimal, signed", 10},
		{"95% CI high", "upper end of the 95% confidence interval of the mean change (paired t)", "1 decimal, signed", 10},
		{"t", "paired t statistic", "2 decimals", 8},
		{"df", "degrees of freedom of t (n − 1)", "count", 7},
		{"p (t-test)", "two-sided p of the paired t-test", "3 significant digits", 10},
		{"Wilcoxon T", "Wilcoxon signed-rank statistic min(R+, R−), zero changes dropped", "1 decimal", 10},
		{"Wilcoxon method", "exact null distribution or normal approximation", "text", 10},
		{"p (Wilcoxon)", "two-sided p of the Wilcoxon signed-rank test", "3 significant digits", 11},
		{"dz", "effect size: mean change ÷ SD of change", "2 decimals, signed", 8},
		{"g_av", "Hedges' g_av: bias-corrected mean change ÷ mean of the before and after SDs", "2 decimals, signed", 8},
		{"High before", "share of the paired sample at or above the cut-off (CBI ≥ 50) at baseline", "per cent", 10},
		{"High after", "share of the paired sample at or above the cut-off at the later timepoint", "per cent", 10},
		{"p (McNemar)", "exact McNemar p for the change in the share above the cut-off", "3 significant digits", 11},
		{"Recovered", "reliable improvement that also crossed the cut-off (Jacobson & Truax)", "count", 10},
		{"Reliably improved", "reliable improvement without crossing the cut-off", "count", 10},
		{"No reliable change", "change within the reliable change index", "count", 10},
		{"Reliably worse", "reliable deterioration", "count", 10},
		{"% reliably improved", "(recovered + reliably improved) ÷ n paired", "per cent", 11},
		{"Spearman ρ", "rank correlation of sessions attended with change (dose–response)", "2 decimals, signed", 10},
		{"p (Spearman)", "two-sided p of Spearman's ρ", "3 significant digits", 11},
	}
	if groups {
		cols = append(cols, column{"p (t, BH)", "p of the t-test adjusted by Benjamini–Hochberg over the shown groups of the measure", "3 significant digits", 10})
	}
	return cols
}

// statCells are the values of statColumns for a shown row, or "fewer than N" and nothing else
// for a suppressed one.
func (r *report) statCells(row analysis.Row, groups bool) []any {
	st := r.st
	if row.Suppressed {
		return []any{nil, nil, r.suppressedCell()}
	}
	var method any
	if row.WilcoxonMethod != nil {
		method = st.str(*row.WilcoxonMethod)
	}
	var df *float64 = row.DF
	cells := []any{
		st.n(row.NPre), st.n(row.NPost), st.n(row.NPaired),
		st.num(row.MeanPre, st.score), st.num(row.MeanPost, st.score), st.num(row.MeanChange, st.change),
		st.num(row.SDChange, st.score), st.num(row.CILow, st.change), st.num(row.CIHigh, st.change),
		st.num(row.T, st.effect), st.num(df, st.count), st.pval(row.PT),
		st.num(row.WilcoxonT, st.score), method, st.pval(row.PWilcoxon),
		st.num(row.DZ, st.effect), st.num(row.GAv, st.effect),
		st.num(row.PrevPre, st.prop), st.num(row.PrevPost, st.prop), st.pval(row.PMcNemar),
		st.cnt(row.RCIRecovered), st.cnt(row.RCIImproved), st.cnt(row.RCINoChange), st.cnt(row.RCIDeteriorated),
		st.num(improvedShare(row), st.prop),
		st.num(row.SpearmanRho, st.effect), st.pval(row.PSpearman),
	}
	if groups {
		cells = append(cells, st.pval(row.PTBH))
	}
	return cells
}

// cell is a value in a given style.
func cell(style int, v any) any { return excelize.Cell{StyleID: style, Value: v} }
