package analysis

import "testing"

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
