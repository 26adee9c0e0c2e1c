package workbook

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/analysis"
)

// TestSummaryAndDeliveryNumbersEqualAnalysis checks the headline table, the by-modality table,
// the cost lines, the delivery totals, the baseline comparison and the group delivery rows.
func TestSummaryAndDeliveryNumbersEqualAnalysis(t *testing.T) {
	for _, tc := range optionCases {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := build(t, tc.evaluator, tc.o)
			res := analyse(t, tc.evaluator, tc.o)
			titles := measureTitles(t)
			fewer := fmt.Sprintf("fewer than %d", res.MinCell)
			row := func(scope, key, measure string) analysis.Row {
				for _, r := range res.Results {
					if r.Scope == scope && r.Key == key && r.Measure == measure {
						return r
					}
				}
				t.Fatalf("no analysis row %s %s %s", scope, key, measure)
				return analysis.Row{}
			}
			summary := readSheet(t, f, sheetSummary)
			idx, data := summary.table(t, "Measure", "Better when", "n paired")
			if len(data) != len(analysis.MeasureIDs)+1 { // the note row follows the table
				t.Fatalf("headline: %d rows", len(data))
			}
			cols := map[string]func(analysis.Row) *float64{
				"n paired": expectStat["n paired"], "Before (mean)": expectStat["Before (mean)"], "After (mean)": expectStat["After (mean)"],
				"Change (mean)": expectStat["Change (mean)"], "95% CI low": expectStat["95% CI low"], "95% CI high": expectStat["95% CI high"],
				"Effect size (dz)": expectStat["dz"], "% reliably improved": share,
				"High before (≥ cut-off)": expectStat["High before"], "High after (≥ cut-off)": expectStat["High after"],
			}
			for _, cells := range data[:len(analysis.MeasureIDs)] {
				want := row("overall", "all", titles[cells[0]])
				for name, fn := range cols {
					got := grid{cells}.cell(0, idx[name])
					if want.Suppressed {
						if (name == "n paired") != (got == fewer) || (name != "n paired" && got != "") {
							t.Errorf("headline %s %s: %q for a suppressed row", want.Measure, name, got)
						}
						continue
					}
					same(t, "headline "+want.Measure+" "+name, got, fn(want))
				}
			}
			idx, data = summary.table(t, "Modality", "n paired (by modality)")
			seen := 0
			for _, cells := range data {
				g := grid{cells}
				want := row("modality", cells[0], analysis.HeadlineMeasure)
				seen++
				if want.Suppressed {
					if g.cell(0, 1) != fewer || len(strings.Join(cells[2:], "")) != 0 {
						t.Errorf("modality %s suppressed but shows %q", want.Key, cells)
					}
					continue
				}
				same(t, "modality n "+want.Key, g.cell(0, idx["n paired (by modality)"]), fptr(float64(want.NPaired)))
				same(t, "modality change "+want.Key, g.cell(0, idx["Change (by modality)"]), want.MeanChange)
				same(t, "modality low "+want.Key, g.cell(0, idx["95% CI low (by modality)"]), want.CILow)
				same(t, "modality high "+want.Key, g.cell(0, idx["95% CI high (by modality)"]), want.CIHigh)
				if want.CILow != nil {
					same(t, "error bar up "+want.Key, g.cell(0, idx["Error bar up"]), fptr(*want.CIHigh-*want.MeanChange))
					same(t, "error bar down "+want.Key, g.cell(0, idx["Error bar down"]), fptr(*want.MeanChange-*want.CILow))
				}
			}
			modalities := 0
			for _, r := range res.Results {
				if r.Scope == "modality" && r.Measure == analysis.HeadlineMeasure {
					modalities++
				}
			}
			if seen != modalities {
				t.Errorf("by modality: %d rows, want %d", seen, modalities)
			}
			checkCost(t, summary, res, fewer)
			checkDelivery(t, readSheet(t, f, sheetDelivery), res, fewer, titles)
			if tc.evaluator {
				checkGroupDelivery(t, readSheet(t, f, sheetGroupDelivery), res, fewer)
			}
		})
	}
}

// lines reads a two-column "Item, Value" table into a map.
func lines(t *testing.T, g grid) map[string]string {
	t.Helper()
	_, data := g.table(t, "Item", "Value")
	out := map[string]string{}
	for _, r := range data {
		out[r[0]] = grid{r}.cell(0, 1)
	}
	return out
}

func checkCost(t *testing.T, g grid, res *analysis.Results, fewer string) {
	t.Helper()
	got := lines(t, g)
	tot := res.Totals
	if tot.Cost == nil {
		t.Fatal("the fixture has a tariff: cost expected")
	}
	same(t, "cost", got["Facilitator cost (minutes used × tariff)"], tot.Cost)
	same(t, "tariff", got["Tariff per facilitator hour"], tot.Tariff)
	if tot.Participants >= res.MinCell {
		same(t, "participants", got["Participants (answered at least once)"], fptr(float64(tot.Participants)))
		same(t, "cost per participant", got["Cost per participant"], fptr(*tot.Cost/float64(tot.Participants)))
	} else if got["Cost per participant"] != fewer {
		t.Errorf("cost per participant %q with %d participants", got["Cost per participant"], tot.Participants)
	}
	for label, v := range got {
		if strings.HasPrefix(label, "Cost per reliable improvement") {
			same(t, label, v, tot.CostPerImprovement)
		}
	}
}

func checkDelivery(t *testing.T, g grid, res *analysis.Results, fewer string, titles map[string]string) {
	t.Helper()
	got := lines(t, g)
	tot := res.Totals
	for label, want := range map[string]int{"Groups": tot.Groups, "Places": tot.Capacity, "Sessions held": tot.SessionsHeld,
		"Facilitator minutes used": tot.MinutesUsed, "Facilitator minutes budgeted": tot.MinutesBudget} {
		same(t, "delivery "+label, got[label], fptr(float64(want)))
	}
	same(t, "minutes of budget", got["Minutes used of budget"], fptr(float64(tot.MinutesUsed)/float64(tot.MinutesBudget)))
	sum, n := 0.0, 0
	for _, gr := range res.Groups {
		if gr.AttendanceRate != nil {
			sum += *gr.AttendanceRate
			n++
		}
	}
	same(t, "attendance", got["Attendance (mean over groups)"], fptr(sum/float64(n)))
	for label, want := range map[string]int{"Participants who answered at least once": tot.Participants,
		"Answered at baseline": tot.RespondentsPre, "Answered later": tot.RespondentsLater} {
		if want < res.MinCell {
			if got[label] != fewer {
				t.Errorf("%s: %q for %d people", label, got[label], want)
			}
			continue
		}
		same(t, label, got[label], fptr(float64(want)))
	}
	idx, data := g.table(t, "Measure", "n answered again")
	if len(data) != len(res.Baseline) {
		t.Fatalf("baseline: %d rows, want %d", len(data), len(res.Baseline))
	}
	for i, b := range res.Baseline {
		r := grid{data[i]}
		if titles[r.cell(0, 0)] != b.Measure {
			t.Fatalf("baseline row %d: %q", i, r.cell(0, 0))
		}
		for _, c := range []struct {
			col   string
			n     *int
			value *float64
		}{{"n answered again", b.NCompleters, nil}, {"Baseline mean (answered again)", nil, b.MeanPreCompleters},
			{"n did not answer again", b.NDropouts, nil}, {"Baseline mean (did not)", nil, b.MeanPreDropouts}} {
			got := r.cell(0, idx[c.col])
			switch {
			case strings.HasPrefix(c.col, "n ") && c.n == nil:
				if got != fewer {
					t.Errorf("baseline %s %s: %q", b.Measure, c.col, got)
				}
			case strings.HasPrefix(c.col, "n "):
				same(t, "baseline "+c.col, got, iptr(c.n))
			default:
				same(t, "baseline "+c.col, got, c.value)
			}
		}
	}
}

func checkGroupDelivery(t *testing.T, g grid, res *analysis.Results, fewer string) {
	t.Helper()
	idx, data := g.table(t, "Group code", "Group name")
	if len(data) != len(res.Groups) {
		t.Fatalf("group delivery: %d rows, want %d", len(data), len(res.Groups))
	}
	for i, gd := range res.Groups {
		r := grid{data[i]}
		at := func(col string) string { return r.cell(0, idx[col]) }
		if at("Group code") != gd.GroupCode {
			t.Fatalf("group delivery row %d is %q, want %s", i, at("Group code"), gd.GroupCode)
		}
		same(t, gd.GroupCode+" held", at("Sessions held"), fptr(float64(gd.SessionsHeld)))
		same(t, gd.GroupCode+" minutes", at("Facilitator minutes used"), fptr(float64(gd.MinutesUsed)))
		same(t, gd.GroupCode+" cost", at("Cost"), gd.Cost)
		same(t, gd.GroupCode+" attendance", at("Attendance rate"), gd.AttendanceRate)
		if gd.Suppressed {
			if at("Answered before only") != fewer || at("Answered both") != "" || at("Response rate before") != "" {
				t.Errorf("%s: suppressed group shows respondent figures", gd.GroupCode)
			}
			continue
		}
		same(t, gd.GroupCode+" both", at("Answered both"), iptr(gd.Both))
		same(t, gd.GroupCode+" pre only", at("Answered before only"), iptr(gd.PreOnly))
		same(t, gd.GroupCode+" rate pre", at("Response rate before"), gd.ResponseRatePre)
		same(t, gd.GroupCode+" cost per improvement", at("Cost per reliable improvement"), gd.CostPerImprovement)
	}
}
