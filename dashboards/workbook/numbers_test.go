package workbook

import (
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
)

// expected statistics by column header, written independently of the package's column list.
var expectStat = map[string]func(r analysis.Row) *float64{
	"n before":            func(r analysis.Row) *float64 { return fptr(float64(r.NPre)) },
	"n after":             func(r analysis.Row) *float64 { return fptr(float64(r.NPost)) },
	"n paired":            func(r analysis.Row) *float64 { return fptr(float64(r.NPaired)) },
	"Before (mean)":       func(r analysis.Row) *float64 { return r.MeanPre },
	"After (mean)":        func(r analysis.Row) *float64 { return r.MeanPost },
	"Change (mean)":       func(r analysis.Row) *float64 { return r.MeanChange },
	"SD of change":        func(r analysis.Row) *float64 { return r.SDChange },
	"95% CI low":          func(r analysis.Row) *float64 { return r.CILow },
	"95% CI high":         func(r analysis.Row) *float64 { return r.CIHigh },
	"t":                   func(r analysis.Row) *float64 { return r.T },
	"df":                  func(r analysis.Row) *float64 { return r.DF },
	"p (t-test)":          func(r analysis.Row) *float64 { return r.PT },
	"Wilcoxon T":          func(r analysis.Row) *float64 { return r.WilcoxonT },
	"p (Wilcoxon)":        func(r analysis.Row) *float64 { return r.PWilcoxon },
	"dz":                  func(r analysis.Row) *float64 { return r.DZ },
	"g_av":                func(r analysis.Row) *float64 { return r.GAv },
	"High before":         func(r analysis.Row) *float64 { return r.PrevPre },
	"High after":          func(r analysis.Row) *float64 { return r.PrevPost },
	"p (McNemar)":         func(r analysis.Row) *float64 { return r.PMcNemar },
	"Recovered":           func(r analysis.Row) *float64 { return iptr(r.RCIRecovered) },
	"Reliably improved":   func(r analysis.Row) *float64 { return iptr(r.RCIImproved) },
	"No reliable change":  func(r analysis.Row) *float64 { return iptr(r.RCINoChange) },
	"Reliably worse":      func(r analysis.Row) *float64 { return iptr(r.RCIDeteriorated) },
	"% reliably improved": share,
	"Spearman ρ":          func(r analysis.Row) *float64 { return r.SpearmanRho },
	"p (Spearman)":        func(r analysis.Row) *float64 { return r.PSpearman },
}

func share(r analysis.Row) *float64 {
	if r.RCIImproved == nil {
		return nil
	}
	n := *r.RCIImproved
	if r.RCIRecovered != nil {
		n += *r.RCIRecovered
	}
	return fptr(float64(n) / float64(r.NPaired))
}

// optionCases are the filters the number tests run under.
var optionCases = []struct {
	name      string
	evaluator bool
	o         Options
}{
	{"funder", false, Options{}},
	{"funder balint pre-followup", false, Options{Comparison: "pre-followup", Filter: analysis.Filter{Modality: "balint"}}},
	{"funder region", false, Options{Filter: analysis.Filter{Region: "London"}, MinCell: 12}},
	{"evaluator", true, Options{}},
	{"evaluator profession", true, Options{Filter: analysis.Filter{Profession: "GP"}, MinCell: 6}},
}

// analyse runs the engine as the workbook should have: same filters, resolved min cell.
func analyse(t *testing.T, evaluatorKind bool, o Options) *analysis.Results {
	t.Helper()
	db, set := fixture(t)
	if o.MinCell == 0 {
		o.MinCell = DefaultFunderMinCell
		if evaluatorKind {
			o.MinCell = DefaultEvaluatorMinCell
		}
	}
	res, err := analysis.Run(context.Background(), db, set, analysis.Options{Comparison: o.Comparison, MinCell: o.MinCell, Filter: o.Filter, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestImpactNumbersEqualAnalysis checks every number of the Impact and Groups sheets against the
// engine's row for the same scope, key and measure.
func TestImpactNumbersEqualAnalysis(t *testing.T) {
	for _, tc := range optionCases {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := build(t, tc.evaluator, tc.o)
			res := analyse(t, tc.evaluator, tc.o)
			rows := map[string]analysis.Row{}
			for _, r := range res.Results {
				rows[r.Scope+"|"+r.Key+"|"+r.Measure] = r
			}
			titles := measureTitles(t)
			scope := map[string]string{"programme": "overall", "modality": "modality", "region": "region"}
			check := func(sheet string, first []string, key func(idx map[string]int, row []string) string, wantRows int) {
				idx, data := readSheet(t, f, sheet).table(t, first...)
				if len(data) != wantRows {
					t.Fatalf("%s: %d rows, want %d", sheet, len(data), wantRows)
				}
				for _, row := range data {
					k := key(idx, row)
					want, ok := rows[k]
					if !ok {
						t.Fatalf("%s: row %q is not in the analysis", sheet, k)
					}
					delete(rows, k)
					for name, col := range idx {
						got := ""
						if col < len(row) {
							got = row[col]
						}
						if want.Suppressed {
							if name == "n paired" && got != fmt.Sprintf("fewer than %d", res.MinCell) {
								t.Errorf("%s %s: suppressed row reads %q", sheet, k, got)
							}
							if expectStat[name] != nil && name != "n paired" && got != "" {
								t.Errorf("%s %s %s: suppressed row shows %q", sheet, k, name, got)
							}
							continue
						}
						if fn := expectStat[name]; fn != nil {
							same(t, sheet+" "+k+" "+name, got, fn(want))
						}
						if name == "p (t, BH)" {
							same(t, sheet+" "+k+" "+name, got, want.PTBH)
						}
					}
				}
			}
			nonGroup := 0
			for _, r := range res.Results {
				if r.Scope != "group" {
					nonGroup++
				}
			}
			check(sheetImpact, []string{"Scope", "Which"}, func(idx map[string]int, row []string) string {
				key := row[idx["Which"]]
				if key == "whole programme" {
					key = "all"
				}
				return scope[row[idx["Scope"]]] + "|" + key + "|" + titles[row[idx["Measure"]]]
			}, nonGroup)
			if tc.evaluator {
				check(sheetGroups, []string{"Group code", "Group name"}, func(idx map[string]int, row []string) string {
					return "group|" + row[idx["Group code"]] + "|" + titles[row[idx["Measure"]]]
				}, len(res.Results)-nonGroup)
			}
			if len(rows) != 0 && tc.evaluator {
				t.Errorf("%d analysis rows are not in the workbook", len(rows))
			}
			checkPooled(t, f, res, titles)
		})
	}
}

// checkPooled compares the pooled table with the engine's DerSimonian–Laird estimates.
func checkPooled(t *testing.T, f *excelize.File, res *analysis.Results, titles map[string]string) {
	t.Helper()
	idx, data := readSheet(t, f, sheetImpact).table(t, "Measure", "Groups pooled (k)")
	if len(data) != len(res.Pooled) {
		t.Fatalf("pooled: %d rows, want %d", len(data), len(res.Pooled))
	}
	for i, p := range res.Pooled {
		row := data[i]
		get := func(name string) string {
			if c := idx[name]; c < len(row) {
				return row[c]
			}
			return ""
		}
		if titles[get("Measure")] != p.Measure {
			t.Fatalf("pooled row %d is %q, want %s", i, get("Measure"), p.Measure)
		}
		same(t, "pooled k "+p.Measure, get("Groups pooled (k)"), fptr(float64(p.K)))
		same(t, "pooled estimate "+p.Measure, get("Pooled change"), p.Estimate)
		same(t, "pooled low "+p.Measure, get("95% CI low (pooled)"), p.CILow)
		same(t, "pooled high "+p.Measure, get("95% CI high (pooled)"), p.CIHigh)
		same(t, "pooled tau2 "+p.Measure, get("τ²"), p.Tau2)
		same(t, "pooled I2 "+p.Measure, get("I²"), p.I2)
		same(t, "pooled p "+p.Measure, get("p (pooled)"), p.P)
	}
}

func measureTitles(t *testing.T) map[string]string {
	_, set := fixture(t)
	out := map[string]string{}
	for _, m := range measureInfos(set, nil) {
		out[m.title] = m.id
	}
	return out
}
