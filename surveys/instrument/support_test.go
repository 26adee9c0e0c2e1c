package instrument

import "testing"

func TestNeedsSupport(t *testing.T) {
	t.Parallel()
	set := loadWithExtra(t)
	tests := []struct {
		name    string
		answers map[string]int
		scores  []Score // nil: scored from answers
		want    bool
	}{
		{"nothing answered", map[string]int{}, nil, false},
		{`"Always" to "I can't take it anymore"`, map[string]int{"cbi_p4": 5}, nil, true},
		{`"Often" to "I can't take it anymore"`, map[string]int{"cbi_p4": 4}, nil, false},
		{"personal exactly 75", map[string]int{"cbi_p1": 4, "cbi_p2": 4, "cbi_p3": 4}, nil, true},
		{"personal 68.75", map[string]int{"cbi_p1": 4, "cbi_p2": 4, "cbi_p3": 4, "cbi_p5": 3}, nil, false},
		{"personal just under 75", nil, []Score{{Scale: "cbi_personal", Value: 74.99999999, Valid: true}}, false},
		{"work 100", map[string]int{"cbi_w1": 5, "cbi_w2": 5, "cbi_w3": 5, "cbi_w4": 5}, nil, true},
		{"work high but invalid", map[string]int{"cbi_w1": 5, "cbi_w2": 5, "cbi_w3": 5}, nil, false},
		{"patient 100 has no threshold", map[string]int{"cbi_c1": 5, "cbi_c2": 5, "cbi_c3": 5}, nil, false},
		{"lowest morale has no threshold", map[string]int{"nss_leave1": 5, "nss_press1": 1, "nss_str1": 1}, nil, false},
		{"invalid score ignored even with a value", nil, []Score{{Scale: "cbi_work", Value: 80}}, false},
		{"unknown ids ignored", map[string]int{"zzz": 5}, []Score{{Scale: "zzz", Value: 100, Valid: true}}, false},
		// energy runs higher_is_better, so its threshold is crossed from above.
		{"higher-is-better threshold", map[string]int{"energy_full": 1, "energy_drained": 3}, nil, true},
		{"higher-is-better above threshold", map[string]int{"energy_full": 2, "energy_drained": 3}, nil, false},
		{"support code of a data-only instrument", map[string]int{"energy_drained": 4}, nil, true},
	}
	for _, tt := range tests {
		scores := tt.scores
		if scores == nil {
			scores = scoreAll(t, set, tt.answers)
		}
		if got := NeedsSupport(set, tt.answers, scores); got != tt.want {
			t.Errorf("%s: NeedsSupport = %v, want %v (scores %+v)", tt.name, got, tt.want, scores)
		}
	}
}

// scoreAll scores answers spread over several instruments, as a response
// that covers CBI and morale at once would be.
func scoreAll(t *testing.T, set *Set, answers map[string]int) []Score {
	t.Helper()
	perInstrument := map[string]map[string]int{}
	for id, code := range answers {
		in, _, ok := set.Item(id)
		if !ok {
			continue
		}
		if perInstrument[in.ID] == nil {
			perInstrument[in.ID] = map[string]int{}
		}
		perInstrument[in.ID][id] = code
	}
	var all []Score
	for _, in := range set.All() {
		scores, err := in.Score(perInstrument[in.ID])
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, scores...)
	}
	return all
}
