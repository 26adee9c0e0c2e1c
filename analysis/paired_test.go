package analysis

import (
	"math"
	"testing"
)

func TestPairedT(t *testing.T) {
	// df = 1 is the Cauchy distribution, which gives an independent closed form:
	// p = 1 − (2/π)·atan|t| and t₀.₉₇₅,₁ = tan(0.475π).
	q1 := math.Tan(0.475 * math.Pi)
	tests := []struct {
		name     string
		n        int
		mean, sd float64
		ok       bool
		want     TTestResult
	}{
		{"n = 2 (Cauchy)", 2, 3, math.Sqrt2, true, TTestResult{
			T: 3, DF: 1, P: 1 - 2/math.Pi*math.Atan(3), CILow: 3 - q1, CIHigh: 3 + q1, DZ: 3 / math.Sqrt2}},
		{"n = 0", 0, 1, 1, false, TTestResult{}},
		{"n = 1", 1, 1, 1, false, TTestResult{}},
		{"sd = 0", 5, 1, 0, false, TTestResult{}},
		{"sd < 0", 5, 1, -1, false, TTestResult{}},
		{"sd NaN", 5, 1, math.NaN(), false, TTestResult{}},
		{"sd +Inf", 5, 1, math.Inf(1), false, TTestResult{}},
		{"mean NaN", 5, math.NaN(), 1, false, TTestResult{}},
		{"subnormal sd", 5, 1, 5e-324, false, TTestResult{}},
		{"zero mean", 10, 0, 2, true, TTestResult{T: 0, DF: 9, P: 1, CILow: -2.2621571627409915 * 2 / math.Sqrt(10),
			CIHigh: 2.2621571627409915 * 2 / math.Sqrt(10), DZ: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := PairedT(tc.n, tc.mean, tc.sd)
			assertFinite(t, "PairedT", got)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			g := []float64{got.T, got.DF, got.P, got.CILow, got.CIHigh, got.DZ}
			w := []float64{tc.want.T, tc.want.DF, tc.want.P, tc.want.CILow, tc.want.CIHigh, tc.want.DZ}
			for i := range g {
				if !near(g[i], w[i]) {
					t.Errorf("field %d = %.17g, want %.17g", i, g[i], w[i])
				}
			}
		})
	}
}

func TestHedgesGav(t *testing.T) {
	tests := []struct {
		name              string
		n                 int
		mean, sPre, sPost float64
		want              float64
		ok                bool
	}{
		{"n = 10", 10, -5, 9, 11, (1 - 3.0/35) * -5 / 10, true},
		{"n = 2 gives J = 0", 2, -5, 9, 11, 0, true},
		{"s_pre + s_post = 0", 10, -5, 0, 0, 0, false},
		{"one SD zero is fine", 10, -5, 0, 10, (1 - 3.0/35) * -5 / 5, true},
		{"n = 1", 1, -5, 9, 11, 0, false},
		{"n = 0", 0, -5, 9, 11, 0, false},
		{"negative SD", 10, -5, -1, 11, 0, false},
		{"NaN SD", 10, -5, math.NaN(), 11, 0, false},
		{"Inf mean", 10, math.Inf(-1), 9, 11, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := HedgesGav(tc.n, tc.mean, tc.sPre, tc.sPost)
			if ok != tc.ok || (ok && !near(got, tc.want)) || !allFinite(got) {
				t.Fatalf("HedgesGav = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestRoundChange(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{12.500000000000007, 12.5},
		{-12.499999999999998, -12.5},
		{1e-10, 0},
		{-4e-10, 0}, // a tiny negative residue counts as a zero change
		{0.0000000015, 0.000000002},
		{math.Inf(1), math.Inf(1)},
	}
	for _, tc := range tests {
		if got := RoundChange(tc.in); got != tc.want {
			t.Errorf("RoundChange(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if !math.IsNaN(RoundChange(math.NaN())) {
		t.Error("NaN must pass through unchanged")
	}
}

func TestNewRCIAndClassify(t *testing.T) {
	for _, bad := range [][2]float64{{10, 1}, {10, 1.2}, {10, math.NaN()}, {10, math.Inf(-1)}, {0, 0.8}, {-1, 0.8}, {math.Inf(1), 0.8}} {
		if _, ok := NewRCI(bad[0], bad[1]); ok {
			t.Errorf("NewRCI(%v, %v) should not be estimable", bad[0], bad[1])
		}
	}
	rci, ok := NewRCI(10, 0.5) // S_diff = 10·√2·√0.5 = 10
	if !ok || !near(rci.SDiff, 10) || !near(rci.DThreshold(), 19.6) {
		t.Fatalf("NewRCI(10, 0.5) = %+v, %v", rci, ok)
	}
	cut := 50.0
	tests := []struct {
		name          string
		pre, post     float64
		higherIsWorse bool
		cutoff        *float64
		want          RCICategory
	}{
		{"worse-high: improved and crossed", 60, 40, true, &cut, Recovered},
		{"worse-high: improved above cut-off", 90, 70, true, &cut, Improved},
		{"worse-high: improved, started below", 45, 20, true, &cut, Improved},
		{"worse-high: no cut-off", 60, 40, true, nil, Improved},
		{"worse-high: deteriorated", 40, 60, true, &cut, Deteriorated},
		{"better-high: improved and crossed", 40, 60, false, &cut, Recovered},
		{"better-high: improved, no crossing", 60, 80, false, &cut, Improved},
		{"better-high: deteriorated", 60, 40, false, &cut, Deteriorated},
		{"better-high: no change", 50, 55, false, &cut, NoChange},
	}
	for _, tc := range tests {
		if got := rci.Classify(tc.pre, tc.post, tc.higherIsWorse, tc.cutoff); got != tc.want {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
		}
	}
	// RCI exactly −1.96 is a reliable improvement (≤), one step inside is not.
	// S_diff = ½ makes the division exact: −0.98/0.5 is the float64 −1.96.
	exact, low := RCIThresholds{SDiff: 0.5}, 0.5
	if got := exact.Classify(0.98, 0, true, &low); got != Recovered {
		t.Errorf("RCI = −1.96 exactly: Classify = %v, want recovered", got)
	}
	if got := exact.Classify(math.Nextafter(0.98, 0), 0, true, &low); got != NoChange {
		t.Errorf("RCI just above −1.96: Classify = %v, want no_change", got)
	}
	if got := (RCIThresholds{}).Classify(60, 0, true, &cut); got != NoChange {
		t.Errorf("zero thresholds must classify as NoChange, got %v", got)
	}
}

// TestSufficientStatisticFunctionsDoNotAllocate: the engine calls these once per scope and
// measure, so they work on the stack (the Wilcoxon table is built once per n′ and then shared).
func TestSufficientStatisticFunctionsDoNotAllocate(t *testing.T) {
	groups := []GroupEstimate{{-8.5, 10, 10}, {-3, 12, 12}, {-12, 9, 8}}
	rci, _ := NewRCI(10, 0.8)
	cut := 50.0
	Wilcoxon(30, 200, 0, 0) // warm the exact table for n′ = 30
	allocs := testing.AllocsPerRun(100, func() {
		PairedT(12, -4.4, 7.9)
		HedgesGav(12, -4.4, 9, 10)
		Wilcoxon(30, 200, 0, 0)
		Wilcoxon(60, 700, 24, 2)
		McNemarExact(40, 70)
		SpearmanFromRankSums(5, 15, 15, 55, 55, 50)
		rci.Classify(60, 30, true, &cut)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
	// DerSimonianLaird's only allocation is the *float64 that carries I².
	if allocs := testing.AllocsPerRun(100, func() { DerSimonianLaird(groups) }); allocs > 1 {
		t.Fatalf("DerSimonianLaird: %v allocations per run, want ≤ 1", allocs)
	}
}
