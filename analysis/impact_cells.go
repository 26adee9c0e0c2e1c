package analysis

import (
	"math"
	"slices"
)

// cell holds the aggregates for one measure in one scope, before any statistic. Everything but
// the ranks merges exactly across groups, so larger scopes are built from group cells.
type cell struct {
	nPre, nPost                   int
	d, pre, post                  moments // over the paired sample
	minD, maxD                    int64   // range of the changes' keys (changeKey)
	zeros                         int
	highPre, highPost, b, c       int
	recovered, improved, noChange int
	deteriorated                  int
	minSessions, maxSessions      int
	rciOK                         bool

	nNonZero      int
	rPlus, tieSum float64

	sn                    int
	sx, sy, sxx, syy, sxy float64
}

// moments are a count, mean and sum of squared deviations (M2): taken one value at a time by
// Welford's update (add), and combined by Chan's formula (merge) so that merging groups loses
// no precision to cancellation.
type moments struct {
	n        int
	mean, m2 float64
}

func (a moments) merge(b moments) moments {
	if a.n == 0 {
		return b
	}
	if b.n == 0 {
		return a
	}
	n := a.n + b.n
	delta := b.mean - a.mean
	return moments{n: n, mean: a.mean + delta*float64(b.n)/float64(n), m2: a.m2 + b.m2 + delta*delta*float64(a.n)*float64(b.n)/float64(n)}
}

// add takes one more value in by Welford's update.
func (m *moments) add(x float64) {
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
}

// variance is the sample variance (ddof 1); not valid below two values.
func (m moments) variance() (float64, bool) {
	if m.n < 2 {
		return 0, false
	}
	return m.m2 / float64(m.n-1), true
}

// sd is the sample SD (ddof 1); not valid below two values.
func (m moments) sd() (float64, bool) {
	v, ok := m.variance()
	return math.Sqrt(v), ok
}

// merge adds a group's aggregates, except its ranks, into a larger scope's.
func (c *cell) merge(g *cell) {
	if g.d.n > 0 {
		if c.d.n == 0 {
			c.minD, c.maxD, c.minSessions, c.maxSessions = g.minD, g.maxD, g.minSessions, g.maxSessions
		} else {
			c.minD, c.maxD = min(c.minD, g.minD), max(c.maxD, g.maxD)
			c.minSessions, c.maxSessions = min(c.minSessions, g.minSessions), max(c.maxSessions, g.maxSessions)
		}
	}
	c.nPre += g.nPre
	c.nPost += g.nPost
	c.d, c.pre, c.post = c.d.merge(g.d), c.pre.merge(g.pre), c.post.merge(g.post)
	c.zeros += g.zeros
	c.highPre += g.highPre
	c.highPost += g.highPost
	c.b += g.b
	c.c += g.c
	c.recovered += g.recovered
	c.improved += g.improved
	c.noChange += g.noChange
	c.deteriorated += g.deteriorated
}

// changeKey is a change rounded to 9 decimal places as an integer count of 10⁻⁹: two changes
// are equal, zero or ordered for INSTRUMENTS.md §5 ("Equality") exactly as their keys are,
// because RoundChange divides these integers by 10⁹, which keeps them apart and in order.
func changeKey(d float64) int64 {
	return int64(math.Round(d * changeScale))
}

// pair is one paired participant of a measure.
type pair struct {
	pre, post, d float64
	key          int64 // changeKey(d)
	sessions     int32
	group        int32
}

// scopeLayout says which larger scopes each group belongs to: the programme (index 0), its
// modality and its region (−1: none), as indexes into the larger scopes.
type scopeLayout struct {
	nLarger  int
	modality []int32 // per group
	region   []int32 // per group, −1 without a region
}

// measureCells computes the cells of one measure: one per group, then one per larger scope
// (the programme, each modality, each region). Group cells come from each group's pairs; the
// larger scopes merge the group cells (counts add, moments by Chan's formula) and rank their
// pairs once, through the distinct rounded changes.
func measureCells(p *people, mi int, m Measure, rel measureReliability, byGroup [][]int32, layout scopeLayout) (groups, larger []cell) {
	rci, rciOK := RCIThresholds{}, false
	if rel.ok {
		rci, rciOK = NewRCI(rel.sd1, rel.alpha)
	}
	groups = make([]cell, len(byGroup))
	larger = make([]cell, layout.nLarger)
	var pairs []pair
	var scratch rankScratch
	for g, members := range byGroup {
		c := &groups[g]
		c.rciOK = rciOK
		start := len(pairs)
		for _, i := range members {
			if !p.keep[i] {
				continue
			}
			x, y := p.pre(int(i), mi), p.post(int(i), mi)
			hasX, hasY := !math.IsNaN(x), !math.IsNaN(y)
			if hasX {
				c.nPre++
			}
			if hasY {
				c.nPost++
			}
			if hasX && hasY {
				d := y - x
				pairs = append(pairs, pair{pre: x, post: y, d: d, key: changeKey(d), sessions: p.sessions[i], group: int32(g)})
			}
		}
		groupCell(c, pairs[start:], m, rci, rciOK, &scratch)
	}
	for g := range groups {
		larger[0].merge(&groups[g])
		larger[layout.modality[g]].merge(&groups[g])
		if r := layout.region[g]; r >= 0 {
			larger[r].merge(&groups[g])
		}
	}
	for i := range larger {
		larger[i].rciOK = rciOK
	}
	largerRanks(larger, pairs, layout)
	return groups, larger
}

// groupCell fills a group's cell from its pairs: moments, range, zeros, cut-off and RCI counts,
// and the ranks behind Wilcoxon and Spearman.
func groupCell(c *cell, pairs []pair, m Measure, rci RCIThresholds, rciOK bool, s *rankScratch) {
	n := len(pairs)
	if n == 0 {
		return
	}
	var sd, sx, sy float64
	for _, q := range pairs {
		sd += q.d
		sx += q.pre
		sy += q.post
	}
	c.d.n, c.pre.n, c.post.n = n, n, n
	c.d.mean, c.pre.mean, c.post.mean = sd/float64(n), sx/float64(n), sy/float64(n)
	minK, maxK := pairs[0].key, pairs[0].key
	c.minSessions, c.maxSessions = int(pairs[0].sessions), int(pairs[0].sessions)
	for _, q := range pairs {
		dd, dx, dy := q.d-c.d.mean, q.pre-c.pre.mean, q.post-c.post.mean
		c.d.m2 += dd * dd
		c.pre.m2 += dx * dx
		c.post.m2 += dy * dy
		minK, maxK = min(minK, q.key), max(maxK, q.key)
		c.minSessions, c.maxSessions = min(c.minSessions, int(q.sessions)), max(c.maxSessions, int(q.sessions))
		if q.key == 0 {
			c.zeros++
		}
		if m.Cutoff != nil {
			cut := *m.Cutoff
			hx, hy := q.pre >= cut, q.post >= cut
			if hx {
				c.highPre++
			}
			if hy {
				c.highPost++
			}
			if hx && !hy {
				c.b++
			}
			if !hx && hy {
				c.c++
			}
		}
		if rciOK {
			switch rci.Classify(q.pre, q.post, m.HigherIsWorse, m.Cutoff) {
			case Recovered:
				c.recovered++
			case Improved:
				c.improved++
			case NoChange:
				c.noChange++
			case Deteriorated:
				c.deteriorated++
			}
		}
	}
	c.minD, c.maxD = minK, maxK
	s.groupRanks(c, pairs)
}

// rankScratch is reused across groups so that ranking a group allocates nothing.
type rankScratch struct {
	abs      []int64
	keys     []int64
	sess     []int64
	rx, ry   []float64
	absRanks []float64
	order    []int32
}

// avgRanks sets ranks[i] to the average rank (1-based, ties share the mean of their positions)
// of v[i] among v. order is scratch space of len(v). An insertion sort is the cheapest order
// for the dozen pairs of a typical group; large groups are sorted by slices.SortFunc.
func avgRanks(v []int64, ranks []float64, order []int32) {
	n := len(v)
	for i := range n {
		order[i] = int32(i)
	}
	if n > 32 {
		slices.SortFunc(order[:n], func(a, b int32) int { return cmpInt64(v[a], v[b]) })
	} else {
		for i := 1; i < n; i++ {
			x := order[i]
			j := i
			for j > 0 && v[order[j-1]] > v[x] {
				order[j] = order[j-1]
				j--
			}
			order[j] = x
		}
	}
	for i := 0; i < n; {
		j := i + 1
		for j < n && v[order[j]] == v[order[i]] {
			j++
		}
		r := float64(i) + float64(j-i+1)/2
		for k := i; k < j; k++ {
			ranks[order[k]] = r
		}
		i = j
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// groupRanks computes a group's Wilcoxon and Spearman sums: average ranks of |d| over the
// non-zero changes, of sessions and of d (d by its rounded key).
func (s *rankScratch) groupRanks(c *cell, pairs []pair) {
	n := len(pairs)
	s.abs, s.keys, s.sess = s.abs[:0], s.keys[:0], s.sess[:0]
	for _, q := range pairs {
		s.keys = append(s.keys, q.key)
		s.sess = append(s.sess, int64(q.sessions))
		if q.key != 0 {
			s.abs = append(s.abs, abs64(q.key))
		}
	}
	s.rx, s.ry, s.absRanks = grow(s.rx, n), grow(s.ry, n), grow(s.absRanks, len(s.abs))
	if cap(s.order) < n {
		s.order = make([]int32, n)
	}
	order := s.order[:n]
	avgRanks(s.sess, s.rx, order)
	avgRanks(s.keys, s.ry, order)
	avgRanks(s.abs, s.absRanks, order)
	c.nNonZero = len(s.abs)
	j := 0
	for _, q := range pairs {
		if q.key == 0 {
			continue
		}
		if q.key > 0 {
			c.rPlus += s.absRanks[j]
		}
		j++
	}
	// Σ t(t²−1) over tie groups of |d|.
	c.tieSum = float64(tieTerm(s.abs))
	c.sn = n
	for i := range n {
		x, y := s.rx[i], s.ry[i]
		c.sx += x
		c.sy += y
		c.sxx += x * x
		c.syy += y * y
		c.sxy += x * y
	}
}

// tieTerm is Σ t(t²−1) over the groups of equal values of v, which it may reorder.
func tieTerm(v []int64) int64 {
	slices.Sort(v)
	var sum int64
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j] == v[i] {
			j++
		}
		t := int64(j - i)
		sum += t * (t*t - 1)
		i = j
	}
	return sum
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// largerRanks computes the Wilcoxon and Spearman sums of every larger scope from the pairs of
// one measure. Changes are ranked through their distinct rounded values (scores are fractions
// with few distinct changes): each scope counts its pairs per distinct value and per sessions
// value, and ranks follow from running counts in value order.
func largerRanks(larger []cell, pairs []pair, layout scopeLayout) {
	if len(pairs) == 0 {
		return
	}
	index := make(map[int64]int32, 256)
	var distinct []int64
	for _, q := range pairs {
		if _, ok := index[q.key]; !ok {
			index[q.key] = 0
			distinct = append(distinct, q.key)
		}
	}
	slices.Sort(distinct)
	for i, k := range distinct {
		index[k] = int32(i)
	}
	maxSessions := int32(0)
	for _, q := range pairs {
		maxSessions = max(maxSessions, q.sessions)
	}
	nv, ns := len(distinct), int(maxSessions)+1
	counts := make([]int64, len(larger)*nv)     // [scope][distinct change]
	sessCounts := make([]int64, len(larger)*ns) // [scope][sessions]
	pos := make([]int32, len(pairs))            // distinct index of each pair
	scopesOf := func(g int32, f func(s int)) {
		f(0)
		f(int(layout.modality[g]))
		if r := layout.region[g]; r >= 0 {
			f(int(r))
		}
	}
	for i, q := range pairs {
		v := index[q.key]
		pos[i] = v
		scopesOf(q.group, func(s int) {
			counts[s*nv+int(v)]++
			sessCounts[s*ns+int(q.sessions)]++
		})
	}
	// Distinct |d| of the non-zero changes in ascending order, each with the distinct indexes
	// of −|d| and +|d| (−1 when absent).
	type absValue struct{ neg, pos int }
	var absValues []absValue
	nNeg, _ := slices.BinarySearch(distinct, 0)
	posStart := nNeg
	if posStart < nv && distinct[posStart] == 0 {
		posStart++
	}
	for neg, p := nNeg-1, posStart; neg >= 0 || p < nv; {
		switch {
		case p >= nv || (neg >= 0 && -distinct[neg] < distinct[p]):
			absValues = append(absValues, absValue{neg, -1})
			neg--
		case neg < 0 || -distinct[neg] > distinct[p]:
			absValues = append(absValues, absValue{-1, p})
			p++
		default:
			absValues = append(absValues, absValue{neg, p})
			neg--
			p++
		}
	}
	rx := make([]float64, len(larger)*ns)
	ry := make([]float64, len(larger)*nv)
	for s := range larger {
		c := &larger[s]
		cnt := counts[s*nv : (s+1)*nv]
		// Wilcoxon over the non-zero changes, ranked by |d|.
		var below int64
		for _, a := range absValues {
			var t, p int64
			if a.neg >= 0 {
				t += cnt[a.neg]
			}
			if a.pos >= 0 {
				p = cnt[a.pos]
				t += p
			}
			if t == 0 {
				continue
			}
			c.rPlus += float64(p) * (float64(below) + float64(t+1)/2)
			c.tieSum += float64(t * (t*t - 1))
			c.nNonZero += int(t)
			below += t
		}
		// Spearman: average ranks of sessions and of d.
		below = 0
		for v, t := range sessCounts[s*ns : (s+1)*ns] {
			if t == 0 {
				continue
			}
			r := float64(below) + float64(t+1)/2
			rx[s*ns+v] = r
			c.sx += float64(t) * r
			c.sxx += float64(t) * r * r
			c.sn += int(t)
			below += t
		}
		below = 0
		for v, t := range cnt {
			if t == 0 {
				continue
			}
			r := float64(below) + float64(t+1)/2
			ry[s*nv+v] = r
			c.sy += float64(t) * r
			c.syy += float64(t) * r * r
			below += t
		}
	}
	for i, q := range pairs {
		v := int(pos[i])
		scopesOf(q.group, func(s int) {
			larger[s].sxy += rx[s*ns+int(q.sessions)] * ry[s*nv+v]
		})
	}
}
