package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// scenario builds the rows of one measure for groups given as "code:modality:region:n".
func scenario(groups ...string) ([]Row, []scopeRef) {
	scopes := []scopeRef{{scope: "overall", key: "all"}}
	rows := []Row{{Scope: "overall", Key: "all"}}
	seen := map[string]bool{}
	var totals []scopeRef
	for _, g := range groups {
		f := strings.Split(g, ":")
		var n int
		fmt.Sscan(f[3], &n)
		scopes = append(scopes, scopeRef{scope: "group", key: f[0], modality: f[1], region: f[2]})
		rows = append(rows, Row{Scope: "group", Key: f[0], NPaired: n})
		rows[0].NPaired += n
		for _, t := range []scopeRef{{scope: "modality", key: f[1]}, {scope: "region", key: f[2]}} {
			if t.key != "" && !seen[t.scope+t.key] {
				seen[t.scope+t.key] = true
				totals = append(totals, t)
			}
		}
	}
	for _, t := range totals {
		scopes = append(scopes, t)
		n := 0
		for i, sc := range scopes {
			if sc.scope == "group" && (sc.modality == t.key && t.scope == "modality" || sc.region == t.key && t.scope == "region") {
				n += rows[i].NPaired
			}
		}
		rows = append(rows, Row{Scope: t.scope, Key: t.key, NPaired: n})
	}
	return rows, scopes
}

func TestComplementarySuppression(t *testing.T) {
	tests := []struct {
		name       string
		groups     []string
		minCell    int
		suppressed []string // every suppressed scope/key
	}{
		{"nothing small", []string{"A:m1:r1:10", "B:m1:r1:6"}, 5, nil},
		{"one small group takes the next smallest with it", []string{"A:m1:r1:10", "B:m1:r1:3", "C:m1:r1:6", "D:m1:r1:7"}, 5,
			[]string{"group/B", "group/C"}},
		{"ties go to the smaller code", []string{"A:m1:r1:10", "B:m1:r1:2", "D:m1:r1:6", "C:m1:r1:6"}, 5,
			[]string{"group/B", "group/C"}},
		{"an empty group needs no partner", []string{"A:m1:r1:10", "B:m1:r1:0", "C:m1:r1:6"}, 5, []string{"group/B"}},
		{"two small groups that together reach min cell", []string{"A:m1:r1:10", "B:m1:r1:3", "C:m1:r1:2", "D:m1:r1:9"}, 5,
			[]string{"group/B", "group/C"}},
		{"a region total forces a second partner in the modality", []string{
			"A:m1:r1:12", "B:m1:r2:2", "C:m2:r2:8", "D:m2:r2:9", "E:m1:r1:7"}, 5,
			// r2 holds B (2): C (8, smallest shown in r2) goes; m1 then holds only B (2 hidden): E (7) goes;
			// overall hides 2+8+7: fine.
			[]string{"group/B", "group/C", "group/E"}},
		{"small totals are suppressed themselves", []string{"A:m1:r1:3", "B:m2:r1:9", "C:m2:r1:9"}, 5,
			[]string{"group/A", "modality/m1", "group/B"}},
		{"funder threshold", []string{"A:m1:r1:12", "B:m1:r1:9", "C:m1:r1:11"}, 10, []string{"group/B", "group/C"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, scopes := scenario(tc.groups...)
			original, _ := scenario(tc.groups...)
			suppress(rows, scopes, tc.minCell)
			var got []string
			for _, r := range rows {
				if r.Suppressed {
					got = append(got, r.Scope+"/"+r.Key)
				}
			}
			want := slices.Clone(tc.suppressed)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("suppressed %v, want %v", got, want)
			}
			// The rule holds afterwards in every shown total.
			for i, sc := range scopes {
				if sc.scope == "group" || rows[i].Suppressed {
					continue
				}
				hidden := 0
				for j, g := range scopes {
					in := g.scope == "group" && (sc.scope == "overall" || sc.scope == "modality" && g.modality == sc.key || sc.scope == "region" && g.region == sc.key)
					if in && rows[j].Suppressed {
						hidden += original[j].NPaired
					}
				}
				if hidden > 0 && hidden < tc.minCell {
					t.Errorf("total %s/%s still hides only %d", sc.scope, sc.key, hidden)
				}
			}
		})
	}
}

// TestSuppressedRowsCarryNothing checks the JSON of a real analysis: a suppressed row has
// exactly its four identity members, and no member anywhere is NaN or Inf.
func TestSuppressedRowsCarryNothing(t *testing.T) {
	res := analyseSynthetic(t, makeSynthetic(5), Options{MinCell: 10})
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, row := range doc.Results {
		if row["suppressed"] == true {
			suppressed++
			if len(row) != 4 {
				t.Errorf("suppressed row carries %v", row)
			}
		}
	}
	if suppressed == 0 || suppressed == len(doc.Results) {
		t.Fatalf("%d of %d rows suppressed: the check needs both kinds", suppressed, len(doc.Results))
	}
}

// TestSmallGroupLeavesOthersAlone adds a group below min cell and checks that no shown number of
// any other group changes, except where complementary suppression hides it. RCI thresholds are
// fixed in configuration here: computed ones are programme-wide (baseline SD and α), so new
// data anywhere may move them (docs/METHODS.md).
func TestSmallGroupLeavesOthersAlone(t *testing.T) {
	fixed := map[string]RCIOverride{}
	for _, m := range MeasureIDs {
		sd, r := 18.0, 0.85
		if strings.HasPrefix(m, "morale") {
			sd = 1.8
		}
		fixed[m] = RCIOverride{SD1: &sd, Reliability: &r}
	}
	s := makeSynthetic(7)
	before := analyseSynthetic(t, s, Options{MinCell: 5, RCI: fixed})
	s.batch.Groups = append(s.batch.Groups, ingest.Group{Code: "Z-01", Name: "Small", Modality: "balint", Region: "London"})
	for p := range 2 {
		for _, tp := range []string{"pre", "post"} {
			s.batch.Responses = append(s.batch.Responses, ingest.Response{GroupCode: "Z-01", ParticipantCode: fmt.Sprint("Z", p),
				Timepoint: tp, SubmittedAt: time.Date(2026, 3, 1+p, 0, 0, 0, 0, time.UTC), Source: "import",
				Answers: map[string]int{"cbi_p1": 1 + p, "cbi_p2": 2, "cbi_p3": 3, "cbi_w1": 4, "cbi_w2": 4, "cbi_w3": 4, "cbi_w4": 4}})
		}
	}
	after := analyseSynthetic(t, s, Options{MinCell: 5, RCI: fixed})
	rows := map[string]Row{}
	for _, r := range after.Results {
		rows[r.Scope+"/"+r.Key+"/"+r.Measure] = r
	}
	hidden := map[string]int{} // measure → group rows newly hidden
	for _, b := range before.Results {
		if b.Scope == "group" && !b.Suppressed && rows["group/"+b.Key+"/"+b.Measure].Suppressed {
			hidden[b.Measure]++
		}
	}
	for _, b := range before.Results {
		a := rows[b.Scope+"/"+b.Key+"/"+b.Measure]
		if b.Scope != "group" || b.Suppressed || a.Suppressed {
			continue
		}
		if hidden[b.Measure] == 0 && !sameNumber(a.PTBH, b.PTBH) {
			t.Errorf("%s/%s: p_t_bh moved with nothing newly hidden", b.Key, b.Measure)
		}
		a.PTBH, b.PTBH = nil, nil
		if diff := rowDiff(a, b); diff != "" {
			t.Errorf("%s/%s changed: %s", b.Key, b.Measure, diff)
		}
	}
	if z := rows["group/Z-01/cbi_personal"]; !z.Suppressed {
		t.Fatal("the new small group must be suppressed")
	}
	t.Logf("group rows newly hidden by complementary suppression: %v", hidden)
}

// rowDiff compares two rows member by member; numbers may differ by 1e-12 relative, because
// DuckDB sums in parallel and float addition depends on order (docs/METHODS.md).
func rowDiff(a, b Row) string {
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	for k, va := range ma {
		vb := mb[k]
		fa, okA := va.(float64)
		fb, okB := vb.(float64)
		if okA && okB {
			if math.Abs(fa-fb) > 1e-12*math.Max(1, math.Abs(fb)) {
				return fmt.Sprintf("%s %v → %v", k, vb, va)
			}
			continue
		}
		if fmt.Sprint(va) != fmt.Sprint(vb) {
			return fmt.Sprintf("%s %v → %v", k, vb, va)
		}
	}
	return ""
}

func sameNumber(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) <= 1e-12*math.Max(1, math.Abs(*b))
}

func analyseSynthetic(t *testing.T, s synthetic, o Options) *Results {
	t.Helper()
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Load(ctx, set, s.batch); err != nil {
		t.Fatal(err)
	}
	o.Now = func() time.Time { return time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC) }
	res, err := Analyse(ctx, db, set, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
