package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// spearmanConstTol is the constancy threshold of SpearmanFromRankSums: a rank variance
// (population form, Σ(x − x̄)²/n) at or below spearmanConstTol·n² counts as constant. Ranks of n
// items have a variance of order n²/12, and the smallest non-zero one — one item apart from the
// rest — is (n − 1)/4, so the threshold separates "constant" from "not constant" for every n up
// to 2.5·10⁸ while absorbing the rounding of the sums.
const spearmanConstTol = 1e-9

// SpearmanFromRankSums is the dose–response Spearman ρ of INSTRUMENTS.md §5 between sessions
// attended (x) and the change d (y), computed as Pearson's r over their average ranks from the
// sums n, Σx, Σy, Σx², Σy², Σxy. The caller (impact_cells.go) ranks: sessions as they
// are, d by its rounding to 9 dp (changeKey), ties sharing the average rank.
//
// p is two-sided from t = ρ√((n−2)/(1−ρ²)) with n − 2 df; |ρ| = 1 gives p = 0. ρ is clamped to
// [−1, 1] against rounding. It reports false when n < 3, when either input is constant (rank
// variance ≤ 1e-9·n²) or when an input is not finite.
func SpearmanFromRankSums(n int, sx, sy, sxx, syy, sxy float64) (rho, p float64, ok bool) {
	if n < 3 || !allFinite(sx, sy, sxx, syy, sxy) {
		return 0, 0, false
	}
	nf := float64(n)
	// n·Σxy − Σx·Σy and friends are n² times the covariance and variances. With rank data the
	// sums are multiples of ¼, so this form stays exact for far larger n than subtracting
	// Σx·Σy/n, which keeps |ρ| = 1 exactly 1.
	vx := nf*sxx - sx*sx
	vy := nf*syy - sy*sy
	cxy := nf*sxy - sx*sy
	// vx = n·Σ(x − x̄)² = n³·variance, so "variance ≤ 1e-9·n²" reads vx ≤ 1e-9·n⁴.
	limit := spearmanConstTol * nf * nf * nf * nf
	if vx <= limit || vy <= limit {
		return 0, 0, false
	}
	rho = cxy / math.Sqrt(vx*vy)
	if !allFinite(rho) {
		return 0, 0, false
	}
	rho = math.Max(-1, math.Min(1, rho))
	oneMinus := 1 - rho*rho
	if oneMinus <= 0 {
		return rho, 0, true // perfect monotone relation: t is infinite, p = 0 (§5)
	}
	t := rho * math.Sqrt((nf-2)/oneMinus)
	p = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nf - 2}.Survival(math.Abs(t))
	if !allFinite(t, p) {
		return rho, 0, true // t overflowed: |ρ| is 1 to within rounding
	}
	return rho, math.Min(1, p), true
}
