package analysis

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// WilcoxonExactMaxN is the largest n′ for which INSTRUMENTS.md §5 asks for the exact null
// distribution of R+ (and only when there are no zeros and no ties).
const WilcoxonExactMaxN = 50

// Wilcoxon paths reported in WilcoxonResult.Method (INSTRUMENTS.md §5: "Report which path was
// used").
const (
	WilcoxonExact  = "exact"
	WilcoxonApprox = "approx"
)

// WilcoxonResult is the two-sided Wilcoxon signed-rank test of INSTRUMENTS.md §5: the statistic
// T = min(R+, R−), the path used (WilcoxonExact or WilcoxonApprox) and the p-value.
type WilcoxonResult struct {
	T      float64
	Method string
	P      float64
}

// Wilcoxon computes the signed-rank test of INSTRUMENTS.md §5 from the ranked non-zero changes:
// nNonZero = n′ (changes whose value rounded to 9 dp is not 0), rPlus = R+ (sum of the average
// ranks of |d| over positive d), tieTerm = Σ t(t²−1) over the tie groups of |d| (ties decided on
// rounded |d|, so a group of one contributes 0) and zeros = the number of zero changes dropped.
//
// The exact path is used iff n′ ≤ 50, zeros == 0 and tieTerm == 0; otherwise the normal
// approximation without continuity correction, whose σ² includes the tie correction. It reports
// false when n′ == 0 (no non-zero change remains), when R+ lies outside [0, n′(n′+1)/2], when an
// input is negative or not finite, or when σ² ≤ 0 on the approximate path.
func Wilcoxon(nNonZero int, rPlus, tieTerm float64, zeros int) (WilcoxonResult, bool) {
	if nNonZero <= 0 || zeros < 0 || !allFinite(rPlus, tieTerm) || tieTerm < 0 {
		return WilcoxonResult{}, false
	}
	n := float64(nNonZero)
	total := n * (n + 1) / 2
	if rPlus < 0 || rPlus > total {
		return WilcoxonResult{}, false
	}
	t := math.Min(rPlus, total-rPlus)
	if nNonZero <= WilcoxonExactMaxN && zeros == 0 && tieTerm == 0 {
		return WilcoxonResult{T: t, Method: WilcoxonExact, P: wilcoxonExactP(nNonZero, rPlus)}, true
	}
	p, ok := wilcoxonApproxP(nNonZero, t, tieTerm)
	if !ok {
		return WilcoxonResult{}, false
	}
	return WilcoxonResult{T: t, Method: WilcoxonApprox, P: p}, true
}

// wilcoxonApproxP is the normal approximation of §5: μ = n′(n′+1)/4,
// σ² = [n′(n′+1)(2n′+1) − ½·tieTerm]/24, z = (T − μ)/σ, p = 2Φ(−|z|).
func wilcoxonApproxP(nNonZero int, t, tieTerm float64) (float64, bool) {
	n := float64(nNonZero)
	mu := n * (n + 1) / 4
	variance := (n*(n+1)*(2*n+1) - tieTerm/2) / 24
	if !(variance > 0) {
		return 0, false
	}
	z := (t - mu) / math.Sqrt(variance)
	p := math.Min(1, 2*distuv.UnitNormal.CDF(-math.Abs(z)))
	if !allFinite(p) {
		return 0, false
	}
	return p, true
}

// wilcoxonExactP is p = min(1, 2·min(P(R+ ≤ r), P(R+ ≥ r))) under the exact null distribution of
// R+ for n′ untied, non-zero changes (§5). The counts are integers below 2⁵⁰, so the tail sums
// are exact and the only rounding is the final division by 2ⁿ′.
func wilcoxonExactP(nNonZero int, rPlus float64) float64 {
	cum := signedRankCumCounts(nNonZero)
	var lower, upper uint64
	if lo := math.Floor(rPlus); lo >= 0 {
		lower = cum[int(lo)] // #subsets with R+ ≤ r
	}
	all := cum[len(cum)-1]
	upper = all
	if hi := math.Ceil(rPlus) - 1; hi >= 0 {
		upper = all - cum[int(hi)] // #subsets with R+ ≥ r
	}
	tail := min(lower, upper)
	return math.Min(1, float64(2*tail)/math.Ldexp(1, nNonZero))
}

// signedRankCache holds, per n′ ≤ 50, the cumulative counts cum[s] = #{subsets of {1..n′} with sum
// ≤ s}. Each entry is built once behind its own sync.Once, so concurrent callers are safe and the
// DP (≤ 50·1275 additions) is paid at most once per n′.
var signedRankCache [WilcoxonExactMaxN + 1]struct {
	once sync.Once
	cum  []uint64
}

func signedRankCumCounts(n int) []uint64 {
	entry := &signedRankCache[n]
	entry.once.Do(func() {
		maxSum := n * (n + 1) / 2
		counts := make([]uint64, maxSum+1)
		counts[0] = 1
		// Subset-sum DP: adding rank k either leaves a subset alone or adds k to its sum.
		// Iterating s downwards lets counts be updated in place.
		for k := 1; k <= n; k++ {
			for s := k * (k + 1) / 2; s >= k; s-- {
				counts[s] += counts[s-k]
			}
		}
		for s := 1; s <= maxSum; s++ {
			counts[s] += counts[s-1]
		}
		entry.cum = counts
	})
	return entry.cum
}
