package workbook

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
)

var groupIdentityColumns = []column{
	{"Group code", "the group's code", "text", 11},
	{"Group name", "the group's display name", "text", 30},
	{"Modality", "kind of peer-support group", "text", 18},
	{"Region", "the group's region", "text", 18},
	{"Measure", "the scale analysed (see Methods)", "text", 26},
	{"Better when", "lower: the score measures burnout; higher: it measures morale", "text", 8},
}

// groups writes every measure for every group (evaluators only), suppressed at the evaluator
// threshold with complementary suppression as the analysis applied it. The change column is
// coloured where its 95% CI lies wholly on one side of zero: green for improvement, red for
// deterioration, whichever direction is better for the measure.
func (r *report) groups() error {
	names, widths := r.define(sheetGroups, append(append([]column{}, groupIdentityColumns...), statColumns(true)...))
	const headerRow = 4
	s, err := newSheet(r.f, r.st, sheetGroups, widths, headerRow)
	if err != nil {
		return err
	}
	err = s.title("Results by group",
		fmt.Sprintf("%s: %s. Filters: %s. Change is green (red) where its 95%% CI shows improvement (deterioration); '%s' marks a withheld result.",
			r.programme(), r.comparisonWords(), r.filters(), r.fewer()))
	if err != nil {
		return err
	}
	s.skip(headerRow - 1 - s.row)
	t, err := s.header(names...)
	if err != nil {
		return err
	}
	where := map[string]analysis.GroupDelivery{}
	for _, g := range r.res.Groups {
		where[g.GroupCode] = g
	}
	for i, row := range r.res.Results {
		if row.Scope != "group" {
			continue
		}
		// A written group row keeps only what the Responses sheet asks of it (exportableGroups).
		// A national programme has 150,000 group rows of twenty pointers each, and the collector,
		// kept busy by a report's soft memory limit, walked them all on every cycle.
		r.res.Results[i] = analysis.Row{Scope: row.Scope, Key: row.Key, Measure: row.Measure, Suppressed: row.Suppressed}
		g := where[row.Key]
		region := ""
		if g.Region != nil {
			region = *g.Region
		}
		m := r.measure(row.Measure)
		cells := []any{r.st.str(row.Key), r.st.str(r.meta.groupNames[row.Key]), r.st.str(g.Modality), r.st.str(region),
			r.st.str(m.title), r.st.str(m.betterWhen())}
		if err := s.add(append(cells, r.statCells(row, true)...)...); err != nil {
			return err
		}
	}
	t.lastRow = s.row
	if t.lastRow > t.headerRow {
		if err := r.colourChange(t); err != nil {
			return err
		}
	}
	return s.finish(&t)
}

// colourChange adds the conditional formats on the Groups sheet's change column. The rules
// read the row's direction and confidence interval, so a suppressed or not estimable row (no
// numbers) stays uncoloured.
func (r *report) colourChange(t table) error {
	col := func(name string) string {
		for i, c := range groupIdentityColumns {
			if c.name == name {
				n, _ := excelize.ColumnNumberToName(i + 1)
				return n
			}
		}
		for i, c := range statColumns(true) {
			if c.name == name {
				n, _ := excelize.ColumnNumberToName(len(groupIdentityColumns) + i + 1)
				return n
			}
		}
		panic("workbook: no column " + name)
	}
	first := t.headerRow + 1
	dir, lo, hi, change := col("Better when"), col("95% CI low"), col("95% CI high"), col("Change (mean)")
	cellRef := func(c string) string { return fmt.Sprintf("$%s%d", c, first) }
	better := fmt.Sprintf(`AND(ISNUMBER(%[2]s),ISNUMBER(%[3]s),OR(AND(%[1]s="lower",%[3]s<0),AND(%[1]s="higher",%[2]s>0)))`, cellRef(dir), cellRef(lo), cellRef(hi))
	worse := fmt.Sprintf(`AND(ISNUMBER(%[2]s),ISNUMBER(%[3]s),OR(AND(%[1]s="lower",%[2]s>0),AND(%[1]s="higher",%[3]s<0)))`, cellRef(dir), cellRef(lo), cellRef(hi))
	green, err := r.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "005A30", Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"CCE8D4"}}})
	if err != nil {
		return err
	}
	red, err := r.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "8A1538", Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F6D7D2"}}})
	if err != nil {
		return err
	}
	ref := fmt.Sprintf("%s%d:%s%d", change, first, change, t.lastRow)
	return r.f.SetConditionalFormat(sheetGroups, ref, []excelize.ConditionalFormatOptions{
		{Type: "formula", Criteria: better, Format: &green},
		{Type: "formula", Criteria: worse, Format: &red},
	})
}
