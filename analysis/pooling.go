package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// z975 is the two-sided 95% normal quantile fixed by INSTRUMENTS.md §5 "Pooling across groups".
const z975 = 1.959963984540054

// GroupEstimate is one group's paired change summary for pooling (INSTRUMENTS.md §5): mean
// change d̄_g, SD of the changes s_g (ddof 1) and paired count n_g.
type GroupEstimate struct {
	Mean, SD float64
	N        int
}

// Pooled is the DerSimonian–Laird random-effects estimate of INSTRUMENTS.md §5 over K groups:
// the pooled mean change, its 95% CI, τ², the two-sided normal p and I². I2 is nil when K = 1
// (heterogeneity is undefined for a single group).
type Pooled struct {
	K                                int
	Estimate, CILow, CIHigh, Tau2, P float64
	I2                               *float64
}

// DerSimonianLaird pools group mean changes with exactly the formulas of INSTRUMENTS.md §5:
// y_g = d̄_g, v_g = s_g²/n_g, w = 1/v, Q = Σw(y − ȳ_FE)², C = Σw − Σw²/Σw,
// τ² = max(0, (Q − (k−1))/C), I² = max(0, (Q − (k−1))/Q) (0 when Q = 0), w* = 1/(v + τ²),
// pooled = Σw*y/Σw*, SE = 1/√Σw*, CI pooled ± 1.959963984540054·SE, p two-sided normal.
//
// Only groups with N ≥ 2, SD > 0 and finite values are used (the caller should pass only those;
// this guards anyway). With k = 0 usable groups it reports false (the caller emits all nulls);
// with k = 1, τ² = 0 and I² is nil.
func DerSimonianLaird(groups []GroupEstimate) (Pooled, bool) {
	// First pass: fixed-effect sums. Groups are filtered on the fly so nothing is allocated.
	var k int
	var sw, sw2, swy float64
	for _, g := range groups {
		v, ok := groupVariance(g)
		if !ok {
			continue
		}
		w := 1 / v
		k++
		sw += w
		sw2 += w * w
		swy += w * g.Mean
	}
	if k == 0 || !(sw > 0) || !allFinite(sw, sw2, swy) {
		return Pooled{}, false
	}
	yFE := swy / sw
	var q float64
	for _, g := range groups {
		if v, ok := groupVariance(g); ok {
			q += (g.Mean - yFE) * (g.Mean - yFE) / v
		}
	}
	res := Pooled{K: k}
	if k > 1 {
		df := float64(k - 1)
		// C > 0 whenever k ≥ 2 with positive weights; the guard only protects against rounding.
		if c := sw - sw2/sw; c > 0 {
			res.Tau2 = math.Max(0, (q-df)/c)
		}
		i2 := 0.0 // Q = 0 (identical means): no heterogeneity rather than 0/0
		if q > 0 {
			i2 = math.Max(0, (q-df)/q)
		}
		res.I2 = &i2
	}
	// Second pass: random-effects weights w* = 1/(v + τ²).
	var sws, swsy float64
	for _, g := range groups {
		if v, ok := groupVariance(g); ok {
			w := 1 / (v + res.Tau2)
			sws += w
			swsy += w * g.Mean
		}
	}
	if !(sws > 0) {
		return Pooled{}, false
	}
	se := 1 / math.Sqrt(sws)
	res.Estimate = swsy / sws
	res.CILow = res.Estimate - z975*se
	res.CIHigh = res.Estimate + z975*se
	res.P = math.Min(1, 2*distuv.UnitNormal.CDF(-math.Abs(res.Estimate/se)))
	if !allFinite(res.Estimate, res.CILow, res.CIHigh, res.Tau2, res.P) {
		return Pooled{}, false
	}
	return res, true
}

// groupVariance returns v_g = s_g²/n_g for a usable group (N ≥ 2, finite SD > 0, finite mean).
// It also rejects SDs so small that v underflows to 0, which would give an infinite weight.
func groupVariance(g GroupEstimate) (float64, bool) {
	if g.N < 2 || !allFinite(g.Mean, g.SD) || g.SD <= 0 {
		return 0, false
	}
	v := g.SD * g.SD / float64(g.N)
	if !(v > 0) || math.IsInf(1/v, 0) {
		return 0, false
	}
	return v, true
}
