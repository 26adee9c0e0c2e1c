package analysis

import (
	"math"
	"testing"
)

func TestCronbachAlpha(t *testing.T) {
	tests := []struct {
		name string
		rows [][]float64
		want float64
		ok   bool
	}{
		{"INSTRUMENTS.md §7 work items", [][]float64{
			{75, 75, 50, 75, 50, 50, 75}, {50, 50, 50, 50, 25, 25, 50}, {100, 75, 75, 100, 75, 50, 75},
			{25, 25, 50, 50, 25, 0, 25}, {75, 50, 75, 75, 50, 50, 50}, {50, 25, 25, 50, 25, 25, 50},
			{100, 100, 75, 100, 75, 75, 100}, {25, 50, 25, 25, 0, 25, 25}, {75, 75, 75, 50, 50, 25, 50},
			{50, 50, 25, 75, 50, 25, 75},
		}, 0.954647796719, true},
		{"one respondent", [][]float64{{1, 2, 3}}, 0, false},
		{"one item", [][]float64{{1}, {2}, {3}}, 0, false},
		{"constant totals", [][]float64{{1, 2}, {2, 1}, {0, 3}}, 0, false},
		{"ragged", [][]float64{{1, 2}, {2}}, 0, false},
		{"uncorrelated items give a negative alpha", [][]float64{{1, 3}, {2, 2}, {3, 1}, {2, 3}}, -32.0 / 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := CronbachAlpha(tc.rows)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("alpha = %.12f, want %.12f", got, tc.want)
			}
		})
	}
}
