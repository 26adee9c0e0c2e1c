package workbook

import (
	"fmt"

	"github.com/peerpulse/peerpulse/analysis"
)

// scopeWords names the scopes for people.
var scopeWords = map[string]string{"overall": "programme", "group": "group", "modality": "modality", "region": "region"}

func keyWords(row analysis.Row) string {
	if row.Scope == "overall" {
		return "whole programme"
	}
	return row.Key
}

// identityColumns name the row a statistic belongs to.
var identityColumns = []column{
	{"Scope", "programme, modality or region", "text", 11},
	{"Which", "the modality or region (group codes are on the Groups sheet)", "text", 22},
	{"Measure", "the scale analysed (see Methods)", "text", 28},
	{"Better when", "lower: the score measures burnout; higher: it measures morale", "text", 8},
}

// impact writes every measure for the programme and each modality and region: never by group,
// which is what makes the sheet fit for funders (INSTRUMENTS.md §6).
func (r *report) impact() error {
	names, widths := r.define(sheetImpact, append(append([]column{}, identityColumns...), statColumns(false)...))
	const headerRow = 5
	s, err := newSheet(r.f, r.st, sheetImpact, widths, headerRow)
	if err != nil {
		return err
	}
	err = s.title("Impact by measure: programme, modality and region",
		fmt.Sprintf("%s: %s, %s. Filters: %s.", r.programme(), r.comparisonWords(), r.periodWords(), r.filters()),
		fmt.Sprintf("A blank cell is not estimable. '%s' marks a result withheld to protect confidentiality.", r.fewer()))
	if err != nil {
		return err
	}
	s.skip(headerRow - 1 - s.row)
	t, err := s.header(names...)
	if err != nil {
		return err
	}
	for _, row := range r.res.Results {
		if row.Scope == "group" {
			continue
		}
		m := r.measure(row.Measure)
		cells := []any{r.st.str(scopeWords[row.Scope]), r.st.str(keyWords(row)), r.st.str(m.title), r.st.str(m.betterWhen())}
		if err := s.add(append(cells, r.statCells(row, false)...)...); err != nil {
			return err
		}
	}
	t.lastRow = s.row
	if err := r.pooled(s); err != nil {
		return err
	}
	return s.finish(&t)
}

// pooled writes the random-effects estimates across groups below the main table.
func (r *report) pooled(s *sheet) error {
	s.skip(1)
	if err := s.add(cell(r.st.heading, "Pooled across groups (DerSimonian–Laird random effects)")); err != nil {
		return err
	}
	cols := []column{
		{"Measure", "the scale pooled", "text", 0},
		{"Groups pooled (k)", "groups with at least 2 paired participants and some variation in change; every group counts, shown or not", "count", 0},
		{"Pooled change", "random-effects estimate of the mean change across groups", "1 decimal, signed", 0},
		{"95% CI low (pooled)", "lower end of its 95% confidence interval", "1 decimal, signed", 0},
		{"95% CI high (pooled)", "upper end of its 95% confidence interval", "1 decimal, signed", 0},
		{"τ²", "between-group variance", "2 decimals", 0},
		{"I²", "share of variation due to differences between groups", "per cent", 0},
		{"p (pooled)", "two-sided p of the pooled estimate", "3 significant digits", 0},
	}
	names, _ := r.define(sheetImpact+" (pooled table)", cols)
	if _, err := s.header(names...); err != nil {
		return err
	}
	st := r.st
	for _, p := range r.res.Pooled {
		err := s.add(st.str(r.measure(p.Measure).title), st.n(p.K), st.num(p.Estimate, st.change), st.num(p.CILow, st.change),
			st.num(p.CIHigh, st.change), st.num(p.Tau2, st.dec2), st.num(p.I2, st.prop), st.pval(p.P))
		if err != nil {
			return err
		}
	}
	return nil
}
