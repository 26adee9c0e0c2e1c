package analysis

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// randomScope draws quarter-point scores on 0–100 (so ties and zero changes occur, as with CBI)
// and sessions 0–6.
func randomScope(rng *rand.Rand, n int) (pre, post, sessions []float64) {
	pre, post, sessions = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range pre {
		pre[i] = float64(rng.IntN(401)) / 4
		post[i] = math.Max(0, math.Min(100, pre[i]+float64(rng.IntN(161)-100)/4))
		sessions[i] = float64(rng.IntN(7))
	}
	return
}

func eqPtr(a, b *float64, sign float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-sign**b) <= 1e-12*math.Max(1, math.Abs(*a))
}

// TestSwapPrePost: d → −d must negate every signed statistic and keep every p (INSTRUMENTS.md
// §5 is symmetric in the direction of change).
func TestSwapPrePost(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cut := 50.0
	rci, _ := NewRCI(15, 0.8)
	for trial := 0; trial < 300; trial++ {
		pre, post, sessions := randomScope(rng, rng.IntN(45))
		a := Reference(pre, post, sessions, &rci, true, &cut)
		b := Reference(post, pre, sessions, &rci, true, &cut)
		assertFinite(t, "a", a)
		fail := func(what string) { t.Fatalf("trial %d n=%d: %s\n%+v\n%+v", trial, a.N, what, a, b) }
		if !eqPtr(a.MeanD, b.MeanD, -1) || !eqPtr(a.SDD, b.SDD, 1) || !eqPtr(a.GAv, b.GAv, -1) {
			fail("mean d / SD d / g_av")
		}
		if (a.T == nil) != (b.T == nil) {
			fail("t block nullness")
		}
		if a.T != nil {
			x, y := *a.T, *b.T
			if !eqPtr(&x.T, &y.T, -1) || !eqPtr(&x.DZ, &y.DZ, -1) || x.P != y.P || x.DF != y.DF ||
				!eqPtr(&x.CILow, &y.CIHigh, -1) || !eqPtr(&x.CIHigh, &y.CILow, -1) {
				fail("t block")
			}
		}
		if (a.Wilcoxon == nil) != (b.Wilcoxon == nil) || (a.Wilcoxon != nil && *a.Wilcoxon != *b.Wilcoxon) {
			fail("Wilcoxon")
		}
		if !eqPtr(a.SpearmanRho, b.SpearmanRho, -1) || !eqPtr(a.SpearmanP, b.SpearmanP, 1) {
			fail("Spearman")
		}
		if *a.McNemarP != *b.McNemarP || a.McNemarB != b.McNemarC || !eqPtr(a.PrevalencePre, b.PrevalencePost, 1) {
			fail("McNemar / prevalence")
		}
		if *a.RCI.Recovered+a.RCI.Improved != b.RCI.Deteriorated || a.RCI.NoChange != b.RCI.NoChange {
			fail("RCI")
		}
	}
}

func TestBenjaminiHochbergProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 500; trial++ {
		p := make([]float64, 1+rng.IntN(30))
		for i := range p {
			p[i] = rng.Float64()
			if rng.IntN(5) == 0 { // repeat an earlier value to exercise ties
				p[i] = p[rng.IntN(i+1)]
			}
		}
		adj := BenjaminiHochberg(p)
		idx := make([]int, len(p))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
		for k, i := range idx {
			if adj[i] < p[i] || adj[i] > 1 {
				t.Fatalf("adj %v outside [p=%v, 1]", adj[i], p[i])
			}
			if k > 0 && adj[i] < adj[idx[k-1]] {
				t.Fatalf("not monotone in sorted p: %v then %v", adj[idx[k-1]], adj[i])
			}
		}
	}
}

// TestWilcoxonExactVersusApprox: for n′ = 40 without ties the normal approximation (no continuity
// correction) stays within 0.02 of the exact p.
func TestWilcoxonExactVersusApprox(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 40
	worst := 0.0
	for trial := 0; trial < 500; trial++ {
		// Random distinct |d| have ranks 1..n; a random sign pattern, shifted by a random effect,
		// decides which ranks count towards R+.
		shift := rng.Float64()*0.8 - 0.4
		rPlus := 0
		for rank := 1; rank <= n; rank++ {
			if rng.Float64() < 0.5+shift {
				rPlus += rank
			}
		}
		exact := wilcoxonExactP(n, float64(rPlus))
		tStat := math.Min(float64(rPlus), n*(n+1)/2-float64(rPlus))
		approx, ok := wilcoxonApproxP(n, tStat, 0)
		if !ok {
			t.Fatal("approx not estimable")
		}
		worst = math.Max(worst, math.Abs(exact-approx))
	}
	if worst > 0.02 {
		t.Fatalf("largest |exact − approx| = %v, want ≤ 0.02", worst)
	}
}
