package analysis

import (
	"math"
	"sort"
)

// RCICounts are the Reliable Change counts of one scope (INSTRUMENTS.md §5). Recovered is nil for
// measures without a cut-off (rci_recovered is null there); the categories are exclusive.
type RCICounts struct {
	Recovered                        *int
	Improved, NoChange, Deteriorated int
}

// ReferenceResult is every statistic of INSTRUMENTS.md §5 for one scope of one measure, computed
// by Reference from raw paired arrays. A nil pointer means "not estimable" (null).
type ReferenceResult struct {
	N                             int
	MeanPre, MeanPost, MeanD      *float64 // nil when N = 0
	SDPre, SDPost, SDD            *float64 // ddof 1; nil when N < 2
	T                             *TTestResult
	GAv                           *float64
	Wilcoxon                      *WilcoxonResult
	PrevalencePre, PrevalencePost *float64 // share ≥ cut-off; nil without cut-off or N = 0
	McNemarB, McNemarC            int      // high→not high, not high→high (0 without cut-off)
	McNemarP                      *float64 // nil without cut-off
	SpearmanRho, SpearmanP        *float64
	RCI                           *RCICounts // nil when rci is nil (α not computable or ≥ 1)
}

// Reference computes the §5 statistics of one scope straight from the paired raw scores: pre[i]
// and post[i] belong to the same participant, sessions[i] is their sessions attended (nil: no
// Spearman). rci is nil when RCI counts are not estimable; cutoff is nil for measures without a
// cut-off. It is the independent oracle for Analyse's cells (sums, ranks and ties are all done
// here, per scope, straight from the pairs), and it uses the sufficient-statistic functions of
// this package for the final formulas.
//
// Every equality decision on changes is made on RoundChange(d) (INSTRUMENTS.md §5 "Equality");
// means, SDs and the values passed on are unrounded. It panics if post (or a non-nil sessions)
// has a different length from pre: that is a programming error, not data.
func Reference(pre, post, sessions []float64, rci *RCIThresholds, higherIsWorse bool, cutoff *float64) ReferenceResult {
	n := len(pre)
	if len(post) != n || (sessions != nil && len(sessions) != n) {
		panic("analysis.Reference: pre, post and sessions must have the same length")
	}
	res := ReferenceResult{N: n}
	d := make([]float64, n)
	rd := make([]float64, n) // d rounded to 9 dp, for equality decisions only
	for i := range pre {
		d[i] = post[i] - pre[i]
		rd[i] = RoundChange(d[i])
	}
	if n >= 1 { // n = 0 leaves every mean, share and test null; only the counts are 0
		meanPre, meanPost, meanD := refMean(pre), refMean(post), refMean(d)
		res.MeanPre, res.MeanPost, res.MeanD = &meanPre, &meanPost, &meanD
	}

	if n >= 2 {
		meanD := *res.MeanD
		sdPre, sdPost, sdD := refSD(pre, *res.MeanPre), refSD(post, *res.MeanPost), refSD(d, meanD)
		res.SDPre, res.SDPost, res.SDD = &sdPre, &sdPost, &sdD
		if !refAllEqual(rd) { // "s_d > 0" decided on rounded d
			if t, ok := PairedT(n, meanD, sdD); ok {
				res.T = &t
			}
		}
		if g, ok := HedgesGav(n, meanD, sdPre, sdPost); ok {
			res.GAv = &g
		}
	}
	res.Wilcoxon = refWilcoxon(rd)

	if cutoff != nil {
		var highPre, highPost int
		for i := range pre {
			hiPre, hiPost := pre[i] >= *cutoff, post[i] >= *cutoff
			highPre += refBool(hiPre)
			highPost += refBool(hiPost)
			res.McNemarB += refBool(hiPre && !hiPost)
			res.McNemarC += refBool(!hiPre && hiPost)
		}
		mp := McNemarExact(res.McNemarB, res.McNemarC) // b + c = 0 (also n = 0) gives 1 by §5
		res.McNemarP = &mp
		if n >= 1 {
			pp, pq := float64(highPre)/float64(n), float64(highPost)/float64(n)
			res.PrevalencePre, res.PrevalencePost = &pp, &pq
		}
	}

	if sessions != nil && n >= 3 {
		x, _ := refAverageRanks(sessions)
		y, _ := refAverageRanks(rd) // ties of d decided on rounded d
		var sx, sy, sxx, syy, sxy float64
		for i := range x {
			sx, sy = sx+x[i], sy+y[i]
			sxx, syy, sxy = sxx+x[i]*x[i], syy+y[i]*y[i], sxy+x[i]*y[i]
		}
		if rho, p, ok := SpearmanFromRankSums(n, sx, sy, sxx, syy, sxy); ok {
			res.SpearmanRho, res.SpearmanP = &rho, &p
		}
	}

	if rci != nil {
		counts := RCICounts{}
		var recovered int
		for i := range pre {
			switch rci.Classify(pre[i], post[i], higherIsWorse, cutoff) {
			case Recovered:
				recovered++
			case Improved:
				counts.Improved++
			case NoChange:
				counts.NoChange++
			case Deteriorated:
				counts.Deteriorated++
			}
		}
		if cutoff != nil {
			counts.Recovered = &recovered
		}
		res.RCI = &counts
	}
	return res
}

// refWilcoxon drops the zero changes, ranks |d| with average ranks (ties on rounded |d|), and
// hands n′, R+, Σt(t²−1) and the zero count to Wilcoxon. rd must already be rounded.
func refWilcoxon(rd []float64) *WilcoxonResult {
	abs := make([]float64, 0, len(rd))
	positive := make([]bool, 0, len(rd))
	zeros := 0
	for _, v := range rd {
		if v == 0 {
			zeros++
			continue
		}
		abs = append(abs, math.Abs(v))
		positive = append(positive, v > 0)
	}
	ranks, tieTerm := refAverageRanks(abs)
	rPlus := 0.0
	for i, r := range ranks {
		if positive[i] {
			rPlus += r
		}
	}
	w, ok := Wilcoxon(len(abs), rPlus, tieTerm, zeros)
	if !ok {
		return nil
	}
	return &w
}

// refAverageRanks returns the 1-based ranks of v in input order, tied values sharing the average
// of their positions, and the tie term Σ t(t²−1) over the tie groups. Equality is exact ==, so
// callers pass changes already rounded.
func refAverageRanks(v []float64) ([]float64, float64) {
	order := make([]int, len(v))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return v[order[a]] < v[order[b]] })
	ranks := make([]float64, len(v))
	tieTerm := 0.0
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && v[order[end]] == v[order[start]] {
			end++
		}
		// Positions start+1 … end share their mean rank (start+1+end)/2.
		avg := float64(start+1+end) / 2
		for _, i := range order[start:end] {
			ranks[i] = avg
		}
		t := float64(end - start)
		tieTerm += t * (t*t - 1)
		start = end
	}
	return ranks, tieTerm
}

func refMean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// refSD is the two-pass sample SD (ddof 1); two passes avoid the cancellation of Σx² − (Σx)²/n.
func refSD(v []float64, mean float64) float64 {
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(v)-1))
}

func refAllEqual(v []float64) bool {
	for _, x := range v[1:] {
		if x != v[0] {
			return false
		}
	}
	return true
}

func refBool(b bool) int {
	if b {
		return 1
	}
	return 0
}
