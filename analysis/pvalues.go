package analysis

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarExact is the exact McNemar test of INSTRUMENTS.md §5 "Cut-off prevalence": with
// b = high→not high and c = not high→high discordant pairs, p = min(1, 2·P(X ≤ min(b, c))) for
// X ~ Binomial(b + c, ½), and p = 1 when b + c = 0. Negative counts are treated as 0.
//
// The binomial CDF is gonum's, i.e. the regularised incomplete beta I_½(m − k, k + 1): it needs
// no summation over terms, so it stays fast for b + c in the millions (relative error ~1e-10 at
// 10⁵ and ~1e-9 at 10⁶, measured against exact big-integer sums and a log-space sum), and far
// tails underflow to 0 rather than to NaN.
func McNemarExact(b, c int) float64 {
	b, c = max(b, 0), max(c, 0)
	m := b + c
	if m == 0 {
		return 1
	}
	k := min(b, c)
	if 2*k == m {
		// b == c: P(X ≤ m/2) > ½, so the doubled tail is always capped at 1.
		return 1
	}
	p := 2 * distuv.Binomial{N: float64(m), P: 0.5}.CDF(float64(k))
	if !allFinite(p) || p < 0 {
		return 1 // unreachable with gonum's CDF; fail conservative rather than emit NaN
	}
	return math.Min(1, p)
}

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values of INSTRUMENTS.md §5
// "Multiple comparisons" (p_t_bh), in the input order: with the m p-values sorted ascending,
// adj₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m/j, capped at 1. The running minimum is taken from the largest
// rank down (the step-up rule), which is what makes the output monotone in p.
//
// The caller passes only the non-null p_t of the shown group rows of one measure. Inputs are
// expected in [0, 1]; anything else is clamped to it first (NaN counts as 1), so the output is
// never NaN. An empty input gives an empty, non-nil slice.
func BenjaminiHochberg(p []float64) []float64 {
	out := make([]float64, len(p))
	if len(p) == 0 {
		return out
	}
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	// Stable, so the result does not depend on the sort's handling of equal p (they get equal
	// adjusted values anyway, because the running minimum passes through both).
	sort.SliceStable(order, func(a, b int) bool { return clampP(p[order[a]]) < clampP(p[order[b]]) })
	m := float64(len(p))
	running := 1.0 // the cap at 1 is the starting value of the running minimum
	for rank := len(order); rank >= 1; rank-- {
		i := order[rank-1]
		// m/rank first, as R's p.adjust does (n/i * p): m/rank ≥ 1 exactly, so the product is
		// never rounded below p, and the top rank returns p itself.
		running = math.Min(running, m/float64(rank)*clampP(p[i]))
		out[i] = running
	}
	return out
}

// clampP maps a p-value into [0, 1], with NaN as 1 (no evidence), so sorting is well defined.
func clampP(p float64) float64 {
	if math.IsNaN(p) || p > 1 {
		return 1
	}
	return math.Max(0, p)
}
