package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func rankSums(x, y []float64) (sx, sy, sxx, syy, sxy float64) {
	rx, _ := refAverageRanks(x)
	ry, _ := refAverageRanks(y)
	for i := range rx {
		sx, sy, sxx, syy, sxy = sx+rx[i], sy+ry[i], sxx+rx[i]*rx[i], syy+ry[i]*ry[i], sxy+rx[i]*ry[i]
	}
	return
}

func TestSpearmanEdges(t *testing.T) {
	tests := []struct {
		name   string
		x, y   []float64
		ok     bool
		rho, p float64
	}{
		{"n = 2", []float64{1, 2}, []float64{1, 2}, false, 0, 0},
		{"constant x", []float64{3, 3, 3, 3}, []float64{1, 2, 3, 4}, false, 0, 0},
		{"constant y", []float64{1, 2, 3, 4}, []float64{5, 5, 5, 5}, false, 0, 0},
		{"perfect +1", []float64{1, 2, 3, 4, 5}, []float64{2, 4, 6, 8, 10}, true, 1, 0},
		{"perfect −1 with ties", []float64{1, 1, 2, 3}, []float64{9, 9, 5, 1}, true, -1, 0},
		{"n = 3, df = 1", []float64{1, 2, 3}, []float64{1, 3, 2}, true, 0.5, 1 - 2/math.Pi*math.Atan(0.5*math.Sqrt(1/0.75))},
	}
	for _, tc := range tests {
		sx, sy, sxx, syy, sxy := rankSums(tc.x, tc.y)
		rho, p, ok := SpearmanFromRankSums(len(tc.x), sx, sy, sxx, syy, sxy)
		if ok != tc.ok || !allFinite(rho, p) || (ok && (!near(rho, tc.rho) || !near(p, tc.p))) {
			t.Errorf("%s: got ρ=%v p=%v ok=%v, want ρ=%v p=%v ok=%v", tc.name, rho, p, ok, tc.rho, tc.p, tc.ok)
		}
	}
	if _, _, ok := SpearmanFromRankSums(5, math.NaN(), 15, 55, 55, 55); ok {
		t.Error("NaN sums must not be estimable")
	}
	// Rounded sums that would give |ρ| slightly above 1 are clamped.
	if rho, p, ok := SpearmanFromRankSums(3, 6, 6, 14, 14, 14.000000001); !ok || rho != 1 || p != 0 {
		t.Errorf("clamp: ρ=%v p=%v ok=%v", rho, p, ok)
	}
}

// TestSpearmanMatchesPearsonOnRanks compares with gonum's Pearson correlation over the same
// ranks and an independently computed t p-value, on random data with many ties.
func TestSpearmanMatchesPearsonOnRanks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 200; trial++ {
		n := 3 + rng.IntN(60)
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = float64(rng.IntN(8)), float64(rng.IntN(20))*0.25-2
		}
		rx, _ := refAverageRanks(x)
		ry, _ := refAverageRanks(y)
		if stat.Variance(rx, nil) == 0 || stat.Variance(ry, nil) == 0 {
			continue
		}
		want := stat.Correlation(rx, ry, nil)
		sx, sy, sxx, syy, sxy := rankSums(x, y)
		rho, p, ok := SpearmanFromRankSums(n, sx, sy, sxx, syy, sxy)
		if !ok || math.Abs(rho-want) > 1e-12 {
			t.Fatalf("n=%d: ρ = %v, Pearson on ranks %v (ok=%v)", n, rho, want, ok)
		}
		if math.Abs(want) < 1 {
			tt := want * math.Sqrt(float64(n-2)/(1-want*want))
			wantP := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.CDF(-math.Abs(tt))
			if math.Abs(p-wantP) > 1e-9*wantP+1e-12 {
				t.Fatalf("n=%d: p = %v, want %v", n, p, wantP)
			}
		}
	}
}

func TestDerSimonianLairdEdges(t *testing.T) {
	if _, ok := DerSimonianLaird(nil); ok {
		t.Error("k = 0 (nil) must not be estimable")
	}
	invalid := []GroupEstimate{{Mean: 1, SD: 0, N: 10}, {Mean: 1, SD: 2, N: 1}, {Mean: math.NaN(), SD: 2, N: 5}, {Mean: 1, SD: -2, N: 5}}
	if _, ok := DerSimonianLaird(invalid); ok {
		t.Error("k = 0 (all groups unusable) must not be estimable")
	}
	one, ok := DerSimonianLaird(append(invalid, GroupEstimate{Mean: -4, SD: 10, N: 25}))
	if !ok || one.K != 1 || one.I2 != nil || one.Tau2 != 0 || !near(one.Estimate, -4) ||
		!near(one.CILow, -4-z975*2) || !near(one.P, 2*distuv.UnitNormal.CDF(-2)) {
		t.Errorf("k = 1: %+v ok=%v", one, ok)
	}
	same, ok := DerSimonianLaird([]GroupEstimate{{-3, 5, 10}, {-3, 8, 12}, {-3, 6, 30}})
	if !ok || same.K != 3 || same.I2 == nil || *same.I2 != 0 || same.Tau2 != 0 || !near(same.Estimate, -3) {
		t.Errorf("identical means (Q = 0): %+v ok=%v", same, ok)
	}
	assertFinite(t, "pooled", same)
	// Homogeneous groups (Q < k − 1) clamp τ² and I² at 0 instead of going negative.
	homo, ok := DerSimonianLaird([]GroupEstimate{{-3, 10, 10}, {-3.1, 10, 10}, {-2.9, 10, 10}})
	if !ok || homo.Tau2 != 0 || *homo.I2 != 0 {
		t.Errorf("homogeneous: %+v", homo)
	}
}
