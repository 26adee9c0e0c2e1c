package instrument

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAnswer(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	tests := []struct {
		item, raw string
		code      int
		ok        bool
		errHas    string // empty: no error expected
	}{
		{"cbi_p1", "", 0, false, ""},
		{"cbi_p1", " \t ", 0, false, ""},
		{"cbi_p1", "3", 3, true, ""},
		{"cbi_p1", " 5 ", 5, true, ""},
		{"cbi_p1", "0", 0, false, "code 0 is outside 1..5"},
		{"cbi_p1", "6", 0, false, "code 6 is outside 1..5"},
		{"cbi_p1", "99999999999999999999", 0, false, "is outside 1..5"},
		{"cbi_p1", "2.0", 0, false, "not an option"},
		{"cbi_p1", "Never/almost never", 1, true, ""},
		{"cbi_p1", "  NEVER/ALMOST   never ", 1, true, ""},
		{"cbi_p1", "always", 5, true, ""},
		{"cbi_p1", "Often\u00a0", 4, true, ""}, // spreadsheets pad with non-breaking spaces
		{"cbi_p1", "Never", 0, false, `"Never" is not an option; give a code 1..5 or one of "Never/almost never", "Seldom"`},
		{"cbi_p1", "Some times", 0, false, "not an option"},
		{"cbi_w1", "to a  very HIGH degree", 5, true, ""},
		{"cbi_w1", "Often", 0, false, `"To a very low degree"`}, // an F label on a D item
		{"nss_str3", "Never", 1, true, ""},
		{"nss_str3", "never", 1, true, ""},
		{"nss_leave1", "neither agree nor disagree", 3, true, ""},
		{"pulse_open", "Strongly Agree", 5, true, ""},
	}
	for _, tt := range tests {
		_, it, _ := set.Item(tt.item)
		code, ok, err := it.ParseAnswer(tt.raw)
		if code != tt.code || ok != tt.ok {
			t.Errorf("%s.ParseAnswer(%q) = %d, %v; want %d, %v", tt.item, tt.raw, code, ok, tt.code, tt.ok)
		}
		switch {
		case tt.errHas == "" && err != nil:
			t.Errorf("%s.ParseAnswer(%q) error %v, want none", tt.item, tt.raw, err)
		case tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), tt.item)):
			t.Errorf("%s.ParseAnswer(%q) error %v, want one naming the item and containing %q", tt.item, tt.raw, err, tt.errHas)
		}
	}
}

func TestPoints(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	tests := []struct {
		item string
		code int
		want float64
	}{
		{"cbi_w6", 1, 0},
		{"cbi_w6", 2, 25},
		{"cbi_w6", 5, 100},
		{"cbi_w7", 1, 100}, // reversed: 100 − (code − 1) × 25
		{"cbi_w7", 2, 75},
		{"cbi_w7", 5, 0},
		{"nss_press1", 4, 7.5},
		{"nss_leave1", 4, 2.5}, // reversed: 10 − (code − 1) × 2.5
		{"nss_str3", 2, 7.5},
		{"pulse_open", 5, 5},
	}
	for _, tt := range tests {
		_, it, _ := set.Item(tt.item)
		if got, err := it.Points(tt.code); err != nil || got != tt.want {
			t.Errorf("%s.Points(%d) = %v, %v; want %v", tt.item, tt.code, got, err, tt.want)
		}
	}
	_, it, _ := set.Item("cbi_w7")
	for _, code := range []int{0, 6, -1} {
		if _, err := it.Points(code); err == nil || !strings.Contains(err.Error(), "cbi_w7") {
			t.Errorf("Points(%d) error = %v, want one naming cbi_w7", code, err)
		}
	}
}

func fields(errs []FieldError) []string {
	return ids(errs, func(e FieldError) string { return e.Field })
}

func TestValidateAnswers(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	cbi, _ := set.Get("cbi")
	answers := map[string]int{"cbi_w1": 3, "zzz": 1, "cbi_p1": 6, "nss_str1": 2, "cbi_c6": 0}
	if got, want := fields(cbi.ValidateAnswers(answers)), []string{"cbi_p1", "cbi_c6", "nss_str1", "zzz"}; !slices.Equal(got, want) {
		t.Errorf("ValidateAnswers fields = %v, want %v", got, want)
	}
	if errs := cbi.ValidateAnswers(map[string]int{"cbi_p1": 1}); len(errs) != 0 {
		t.Errorf("ValidateAnswers(valid) = %v, want none", errs)
	}
}

func TestValidateText(t *testing.T) {
	t.Parallel()
	set := mustLoad(t)
	pulse, _ := set.Get("pulse")
	tests := []struct {
		values map[string]string
		want   []string
	}{
		{map[string]string{}, nil},
		{map[string]string{"pulse_comment": strings.Repeat("é", 1000)}, nil}, // 2,000 bytes, 1,000 characters
		{map[string]string{"pulse_comment": strings.Repeat("a", 1001)}, []string{"pulse_comment"}},
		{map[string]string{"name": "x"}, []string{"name"}},
	}
	for _, tt := range tests {
		if got := fields(pulse.ValidateText(tt.values)); !slices.Equal(got, tt.want) {
			t.Errorf("ValidateText(%d values) = %v, want %v", len(tt.values), got, tt.want)
		}
	}
}
