package analysis

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBaselineComplementarySuppression: when drop-outs (or completers) are too few to show,
// the other half is withheld too, since the overall row's n_pre and mean_pre would give the
// hidden half away by subtraction.
func TestBaselineComplementarySuppression(t *testing.T) {
	ms := []Measure{{ID: "cbi_work"}}
	tests := []struct {
		name      string
		later     []bool
		minCell   int
		wantShown bool
	}{
		{"both halves large enough", []bool{true, true, true, false, false, false}, 3, true},
		{"few drop-outs", []bool{true, true, true, true, true, false}, 3, false},
		{"few completers", []bool{true, false, false, false, false, false}, 3, false},
	}
	for _, tt := range tests {
		p := testPeople(tt.later)
		got := baseline(p, ms, tt.minCell)
		if len(got) != 1 {
			t.Fatalf("%s: %d entries", tt.name, len(got))
		}
		b := got[0]
		shown := []bool{b.NCompleters != nil, b.MeanPreCompleters != nil, b.NDropouts != nil, b.MeanPreDropouts != nil}
		for i, s := range shown {
			if s != tt.wantShown {
				t.Errorf("%s: field %d shown %v, want %v (%+v)", tt.name, i, s, tt.wantShown, b)
			}
		}
	}
}

// testPeople is one measure's baseline scores (10, 20, …) for participants, each with or
// without a counted later response.
func testPeople(later []bool) *people {
	p := &people{nm: 1}
	for i, l := range later {
		p.group = append(p.group, 0)
		p.keep = append(p.keep, true)
		p.hasPre = append(p.hasPre, true)
		p.hasLater = append(p.hasLater, l)
		p.sessions = append(p.sessions, 0)
		p.scores = append(p.scores, float64(10*(i+1)), 0)
	}
	return p
}

// TestRCINullWhenReliabilityIsOne: α ≥ 1 (here from an override) makes S_diff zero, so the
// Reliable Change Index cannot be computed and its counts are null (INSTRUMENTS.md §5), not 0.
func TestRCINullWhenReliabilityIsOne(t *testing.T) {
	one := 1.0
	res := analyseSynthetic(t, makeSynthetic(3), Options{MinCell: 3, RCI: map[string]RCIOverride{"cbi_work": {Reliability: &one}}})
	var checked int
	for _, r := range res.Results {
		if r.Suppressed {
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		hasRCI := !strings.Contains(string(b), `"rci_improved":null`)
		if want := r.Measure != "cbi_work"; hasRCI != want && r.NPaired > 0 {
			t.Errorf("%s/%s/%s: RCI counts present %v, want %v: %s", r.Scope, r.Key, r.Measure, hasRCI, want, b)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no shown rows to check")
	}
}
