package instrument

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// want is an expected score; a nil value means invalid (null).
type want struct {
	value    *float64
	answered int
}

func valid(v float64, answered int) want { return want{&v, answered} }
func invalid(answered int) want          { return want{nil, answered} }

// TestScoreFixtures runs the fixtures of INSTRUMENTS.md §2 and §3. Scores
// are exact fractions in float64, so 1e-12 only absorbs summation order.
func TestScoreFixtures(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	tests := []struct {
		name       string
		instrument string
		answers    map[string]int
		want       map[string]want
	}{
		{"CBI §2 fixture", "cbi", map[string]int{
			"cbi_p1": 4, "cbi_p2": 3, "cbi_p3": 4, "cbi_p4": 2, "cbi_p5": 4,
			"cbi_w1": 4, "cbi_w2": 3, "cbi_w3": 4, "cbi_w4": 4, "cbi_w5": 3, "cbi_w6": 2, "cbi_w7": 2,
			"cbi_c1": 3, "cbi_c2": 2, "cbi_c6": 2,
		}, map[string]want{
			"cbi_personal": valid(60.0, 5),
			"cbi_work":     valid(60.714285714285715, 7), // 425/7, cbi_w7 reversed
			"cbi_patient":  valid(33.333333333333336, 3),
		}},
		{"CBI patient with 2 answered is null", "cbi", map[string]int{"cbi_c1": 3, "cbi_c2": 2}, map[string]want{
			"cbi_personal": invalid(0), "cbi_work": invalid(0), "cbi_patient": invalid(2),
		}},
		{"CBI minimum answered exactly", "cbi", map[string]int{
			"cbi_p1": 1, "cbi_p2": 1, "cbi_p3": 5,
			"cbi_w4": 1, "cbi_w5": 1, "cbi_w6": 1, "cbi_w7": 1, // cbi_w7 code 1 scores 100
		}, map[string]want{
			"cbi_personal": valid(100.0/3, 3), "cbi_work": valid(25, 4), "cbi_patient": invalid(0),
		}},
		{"CBI work with 3 answered is null", "cbi", map[string]int{"cbi_w1": 5, "cbi_w2": 5, "cbi_w3": 5}, map[string]want{
			"cbi_personal": invalid(0), "cbi_work": invalid(3), "cbi_patient": invalid(0),
		}},
		{"NSS §3 fixture", "nss_morale", map[string]int{
			"nss_leave1": 4, "nss_leave2": 2, "nss_leave3": 1,
			"nss_press1": 2, "nss_press2": 4, "nss_press3": 1,
			"nss_str1": 5, "nss_str2": 3, "nss_str3": 4, "nss_str4": 3, "nss_str5": 2, "nss_str6": 4,
		}, map[string]want{
			"morale_leaving":   valid(20.0/3, 3),
			"morale_pressure":  valid(10.0/3, 3),
			"morale_stressors": valid(6.25, 6),
			"morale":           valid(5.416666666666667, 12),
		}},
		{"morale needs every sub-score", "nss_morale", map[string]int{"nss_leave1": 1, "nss_str7": 5}, map[string]want{
			"morale_leaving": valid(10, 1), "morale_pressure": invalid(0), "morale_stressors": valid(10, 1), "morale": invalid(2),
		}},
		{"pulse has no scales", "pulse", map[string]int{"pulse_open": 5}, map[string]want{}},
	}
	for _, tt := range tests {
		in, _ := set.Get(tt.instrument)
		scores, err := in.Score(tt.answers)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(scores) != len(tt.want) {
			t.Errorf("%s: %d scores, want %d", tt.name, len(scores), len(tt.want))
		}
		for _, s := range scores {
			checkScore(t, tt.name, s, tt.want[s.Scale])
		}
	}
}

func checkScore(t *testing.T, name string, got Score, w want) {
	t.Helper()
	switch {
	case got.Answered != w.answered:
		t.Errorf("%s: %s answered %d, want %d", name, got.Scale, got.Answered, w.answered)
	case w.value == nil && (got.Valid || got.Value != 0):
		t.Errorf("%s: %s = %+v, want invalid with value 0", name, got.Scale, got)
	case w.value != nil && (!got.Valid || math.Abs(got.Value-*w.value) > 1e-12):
		t.Errorf("%s: %s = %+v, want valid %.17g", name, got.Scale, got, *w.value)
	}
}

// TestScoreOrder checks scores come in file order with composites last, the
// order reports and the storage layer rely on.
func TestScoreOrder(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	for id, order := range map[string][]string{
		"cbi":        {"cbi_personal", "cbi_work", "cbi_patient"},
		"nss_morale": {"morale_leaving", "morale_pressure", "morale_stressors", "morale"},
	} {
		in, _ := set.Get(id)
		scores, err := in.Score(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(scores, func(s Score) string { return s.Scale }); !slices.Equal(got, order) {
			t.Errorf("%s order = %v, want %v", id, got, order)
		}
	}
}

func TestScoreErrors(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	cbi, _ := set.Get("cbi")
	tests := []struct {
		answers map[string]int
		errHas  string
	}{
		{map[string]int{"cbi_x": 1}, `unknown item "cbi_x"`},
		{map[string]int{"cbi_p1": 1, "nss_str1": 3}, `unknown item "nss_str1"`},
		{map[string]int{"cbi_p2": 6}, `item "cbi_p2": code 6 is outside 1..5`},
		{map[string]int{"cbi_c3": 0}, `item "cbi_c3": code 0 is outside 1..5`},
		{map[string]int{"zzz": 1, "cbi_w1": -2}, `item "cbi_w1"`}, // item errors first, whatever the map order
	}
	for _, tt := range tests {
		scores, err := cbi.Score(tt.answers)
		if err == nil || !strings.Contains(err.Error(), tt.errHas) || scores != nil {
			t.Errorf("Score(%v) = %v, %v; want nil and an error containing %q", tt.answers, scores, err, tt.errHas)
		}
	}
}
