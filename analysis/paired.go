package analysis

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// changeScale is 10⁹: INSTRUMENTS.md §5 ("Equality") makes every equality decision on a change
// on d rounded to 9 decimal places.
const changeScale = 1e9

// RoundChange rounds a change d to 9 decimal places, half away from zero, the way DuckDB's
// round(d, 9) does for DOUBLE (round(d·10⁹)/10⁹). It exists only for equality decisions on
// changes (INSTRUMENTS.md §5 "Equality": zero differences, ties of |d| or d, "s_d > 0",
// constant input); values themselves are never rounded. Non-finite input is returned unchanged,
// as DuckDB does.
func RoundChange(d float64) float64 {
	r := math.Round(d*changeScale) / changeScale
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return d
	}
	return r
}

// allFinite reports whether every value is a finite float64. The functions of this package use it
// so that a NaN or ±Inf input yields "not estimable" rather than a NaN output.
func allFinite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// TTestResult is the paired t block of INSTRUMENTS.md §5: t = d̄/(s_d/√n), df = n − 1, two-sided p
// from Student's t, the 95% CI d̄ ± t₀.₉₇₅,ₙ₋₁·s_d/√n and the headline effect size dz = d̄/s_d.
type TTestResult struct {
	T, DF, P, CILow, CIHigh, DZ float64
}

// PairedT computes the paired t test (INSTRUMENTS.md §5 "Paired t") from the sufficient
// statistics n, the mean change d̄ and the SD of the changes s_d (ddof 1), all unrounded.
//
// It reports false ("not estimable") when n < 2, or s_d is not a finite value > 0, or d̄ is not
// finite. The contract decides "s_d > 0" on d rounded to 9 decimal places (see RoundChange): the
// caller must not call PairedT when the rounded changes are all equal, because the raw s_d can
// then be a tiny positive rounding residue that would give an enormous t.
func PairedT(n int, meanD, sdD float64) (TTestResult, bool) {
	if n < 2 || !allFinite(meanD, sdD) || sdD <= 0 {
		return TTestResult{}, false
	}
	df := float64(n - 1)
	se := sdD / math.Sqrt(float64(n))
	if se <= 0 { // a subnormal s_d divided by √n can underflow to 0
		return TTestResult{}, false
	}
	t := meanD / se
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	// Two-sided p from the upper tail of |t|: Survival avoids the 1 − CDF cancellation for large t.
	p := math.Min(1, 2*dist.Survival(math.Abs(t)))
	half := tQuantile975(n-1) * se
	res := TTestResult{
		T:      t,
		DF:     df,
		P:      p,
		CILow:  meanD - half,
		CIHigh: meanD + half,
		DZ:     meanD / sdD,
	}
	if !allFinite(res.T, res.P, res.CILow, res.CIHigh, res.DZ) {
		return TTestResult{}, false
	}
	return res, true
}

// HedgesGav returns Hedges' g_av of INSTRUMENTS.md §5 "Effect sizes":
// g_av = J·d̄ / ((s_pre + s_post)/2) with the small-sample correction J = 1 − 3/(4(n−1) − 1).
// s_pre and s_post are the SDs (ddof 1) of the pre and post scores on the paired sample, so that
// they describe the same people as d̄.
//
// It reports false when n < 2 (there is no SD, and J would be the meaningless 1 − 3/(−1) = 4),
// when s_pre + s_post = 0 (the contract's null case), or when an input is
// negative or not finite. Note that n = 2 gives J = 0 and therefore g_av = 0: that is the formula,
// not an error.
func HedgesGav(n int, meanD, sdPre, sdPost float64) (float64, bool) {
	if n < 2 || !allFinite(meanD, sdPre, sdPost) || sdPre < 0 || sdPost < 0 {
		return 0, false
	}
	avg := (sdPre + sdPost) / 2
	if avg <= 0 {
		return 0, false
	}
	j := 1 - 3/(4*float64(n-1)-1)
	g := j * meanD / avg
	if !allFinite(g) {
		return 0, false
	}
	return g, true
}

// tQuantiles caches t₀.₉₇₅ by degrees of freedom: inverting the incomplete beta function is
// the costliest step of a t test, and an analysis asks for the same few df thousands of times.
var tQuantiles sync.Map // int → float64

func tQuantile975(df int) float64 {
	if q, ok := tQuantiles.Load(df); ok {
		return q.(float64)
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
	tQuantiles.Store(df, q)
	return q
}
