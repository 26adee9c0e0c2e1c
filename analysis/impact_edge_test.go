package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// tiny builds a one-group programme: each person is (pre work codes, post work codes, sessions);
// a nil slice means no response at that timepoint.
func tiny(people ...[3][]int) synthetic {
	s := synthetic{batch: &ingest.Batch{}, groups: map[string][2]string{"T-01": {"balint", "London"}}}
	s.batch.Groups = []ingest.Group{{Code: "T-01", Name: "T", Modality: "balint", Region: "London"}}
	for no := 1; no <= 10; no++ {
		s.batch.Sessions = append(s.batch.Sessions, ingest.Session{GroupCode: "T-01", No: no, Date: time.Date(2026, 3, no, 0, 0, 0, 0, time.UTC)})
	}
	for i, p := range people {
		code := fmt.Sprintf("P%02d", i)
		for j, tp := range []string{"pre", "post"} {
			if p[j] == nil {
				continue
			}
			a := map[string]int{}
			for k, c := range p[j] {
				a[fmt.Sprintf("cbi_w%d", k+1)] = c
			}
			s.batch.Responses = append(s.batch.Responses, ingest.Response{GroupCode: "T-01", ParticipantCode: code, Timepoint: tp,
				SubmittedAt: time.Date(2026, time.Month(3+3*j), 1, 9, 0, 0, 0, time.UTC), Source: "import", Answers: a})
		}
		for no := 1; no <= p[2][0]; no++ {
			s.batch.Attendance = append(s.batch.Attendance, ingest.Attendance{GroupCode: "T-01", SessionNo: no, ParticipantCode: code, Attended: true})
		}
	}
	return s
}

// TestNotEstimableIsNullNeverNaN runs the engine on degenerate programmes: every statistic is a
// number or null, and the null ones are the ones INSTRUMENTS.md §5 names.
func TestNotEstimableIsNullNeverNaN(t *testing.T) {
	w := func(codes ...int) []int { return codes }
	same := w(3, 3, 3, 3, 3, 3, 3)
	tests := []struct {
		name   string
		people [][3][]int
		check  func(t *testing.T, r Row)
	}{
		{"no one answered", nil, func(t *testing.T, r Row) {
			if r.NPaired != 0 || r.MeanChange != nil || r.T != nil {
				t.Errorf("empty scope: %+v", r)
			}
		}},
		{"no valid pre", [][3][]int{{nil, same, {2}}, {nil, same, {3}}, {w(1, 1), same, {1}}}, func(t *testing.T, r Row) {
			if r.NPaired != 0 || r.NPost != 3 || r.NPre != 0 || r.MeanPre != nil {
				t.Errorf("pre invalid (2 items < 4): %+v", r)
			}
		}},
		{"one pair", [][3][]int{{same, w(4, 4, 4, 4, 4, 4, 4), {5}}}, func(t *testing.T, r Row) {
			if r.NPaired != 1 || r.MeanChange == nil || r.SDChange != nil || r.T != nil || r.GAv != nil || r.SpearmanRho != nil {
				t.Errorf("n = 1: %+v", r)
			}
		}},
		{"two pairs", [][3][]int{{same, w(4, 4, 4, 4, 4, 4, 4), {5}}, {same, w(2, 2, 2, 2, 2, 2, 2), {6}}}, func(t *testing.T, r Row) {
			if r.NPaired != 2 || r.T == nil || r.SpearmanRho != nil {
				t.Errorf("n = 2: t estimable, Spearman not: %+v", r)
			}
		}},
		{"all differences zero", [][3][]int{{same, same, {1}}, {same, same, {4}}, {same, same, {7}}, {same, same, {9}}}, func(t *testing.T, r Row) {
			if r.MeanChange == nil || *r.MeanChange != 0 || r.T != nil || r.WilcoxonT != nil || r.SpearmanRho != nil || r.GAv != nil {
				t.Errorf("zero changes: %+v", r)
			}
		}},
		{"constant sessions", [][3][]int{{same, w(4, 4, 4, 4, 4, 4, 4), {5}}, {same, w(2, 2, 2, 2, 2, 2, 2), {5}}, {same, w(1, 1, 1, 1, 1, 1, 1), {5}}}, func(t *testing.T, r Row) {
			if r.T == nil || r.SpearmanRho != nil || r.PSpearman != nil {
				t.Errorf("constant sessions: %+v", r)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := analyseSynthetic(t, tiny(tc.people...), Options{MinCell: 3})
			raw, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "NaN") || strings.Contains(string(raw), "Inf") {
				t.Fatalf("NaN or Inf in %s", raw)
			}
			for _, r := range res.Results {
				if r.Scope == "overall" && r.Measure == "cbi_work" {
					if r.Suppressed {
						if r.NPaired >= 3 {
							t.Fatal("suppressed with n ≥ 3")
						}
						// Below min cell the row must be empty; the statistics are checked on the raw rows.
						rows := rawRows(t, tiny(tc.people...))
						tc.check(t, rows["overall/all/cbi_work"])
						return
					}
					tc.check(t, r)
				}
			}
		})
	}
}

// rawRows computes the rows before disclosure control, to check statistics of tiny scopes.
func rawRows(t *testing.T, s synthetic) map[string]Row {
	t.Helper()
	res := analyseSynthetic(t, s, Options{MinCell: MinCellFloor, skipDisclosure: true})
	out := map[string]Row{}
	for _, r := range res.Results {
		out[r.Scope+"/"+r.Key+"/"+r.Measure] = r
	}
	return out
}

// TestSwapNegatesSignedStatistics swaps every pre and post response: each signed statistic
// changes sign, each p stays.
func TestSwapNegatesSignedStatistics(t *testing.T) {
	s := makeSynthetic(11)
	a := analyseSynthetic(t, s, Options{MinCell: 3})
	for i, r := range s.batch.Responses {
		switch r.Timepoint {
		case "pre":
			s.batch.Responses[i].Timepoint = "post"
		case "post":
			s.batch.Responses[i].Timepoint = "pre"
		}
	}
	b := analyseSynthetic(t, s, Options{MinCell: 3})
	checked := 0
	for i, x := range a.Results {
		y := b.Results[i]
		if x.Suppressed || y.Suppressed || x.Scope+x.Key+x.Measure != y.Scope+y.Key+y.Measure {
			continue
		}
		name := x.Scope + "/" + x.Key + "/" + x.Measure
		for _, p := range []struct {
			field string
			u, v  *float64
			sign  float64
		}{
			{"mean_change", x.MeanChange, y.MeanChange, -1}, {"t", x.T, y.T, -1}, {"ci95_low", x.CILow, neg(y.CIHigh), 1},
			{"dz", x.DZ, y.DZ, -1}, {"g_av", x.GAv, y.GAv, -1}, {"spearman_rho", x.SpearmanRho, y.SpearmanRho, -1},
			{"p_t", x.PT, y.PT, 1}, {"p_wilcoxon", x.PWilcoxon, y.PWilcoxon, 1}, {"p_spearman", x.PSpearman, y.PSpearman, 1},
			{"p_mcnemar", x.PMcNemar, y.PMcNemar, 1}, {"wilcoxon_t", x.WilcoxonT, y.WilcoxonT, 1},
		} {
			if (p.u == nil) != (p.v == nil) {
				t.Errorf("%s %s: %v vs %v", name, p.field, deref(p.u), deref(p.v))
				continue
			}
			if p.u != nil && math.Abs(*p.u-p.sign**p.v) > 1e-9*math.Max(1, math.Abs(*p.u)) {
				t.Errorf("%s %s: %v vs %v", name, p.field, *p.u, *p.v)
			}
			checked++
		}
	}
	if checked < 200 {
		t.Fatalf("only %d comparisons", checked)
	}
}

func neg(v *float64) *float64 {
	if v == nil {
		return nil
	}
	n := -*v
	return &n
}
