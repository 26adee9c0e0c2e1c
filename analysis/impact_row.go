package analysis

// buildRow turns one scope's aggregates into the statistics of INSTRUMENTS.md §5. Decisions of
// equality on changes (distinct, zero and tied changes, the range) were made on changeKey(d),
// d rounded to 9 places; the values themselves are the unrounded ones.
func buildRow(sc scopeRef, m Measure, c *cell) Row {
	r := Row{Scope: sc.scope, Key: sc.key, Measure: m.ID, HasCutoff: m.Cutoff != nil}
	r.NPre, r.NPost, r.NPaired = c.nPre, c.nPost, c.d.n
	n := c.d.n
	if n == 0 {
		return r
	}
	sdD, okD := c.d.sd()
	sdPre, okPre := c.pre.sd()
	sdPost, okPost := c.post.sd()
	r.MeanPre, r.MeanPost, r.MeanChange = num(c.pre.mean, true), num(c.post.mean, true), num(c.d.mean, true)
	r.SDChange = num(sdD, okD)
	r.sdPositive = okD && c.maxD > c.minD
	if r.sdPositive {
		if t, ok := PairedT(n, c.d.mean, sdD); ok {
			r.T, r.DF, r.PT = num(t.T, true), num(t.DF, true), num(t.P, true)
			r.CILow, r.CIHigh, r.DZ = num(t.CILow, true), num(t.CIHigh, true), num(t.DZ, true)
		}
	}
	if g, ok := HedgesGav(n, c.d.mean, sdPre, sdPost); ok && okPre && okPost {
		r.GAv = num(g, true)
	}
	if w, ok := Wilcoxon(c.nNonZero, c.rPlus, c.tieSum, c.zeros); ok {
		method := w.Method
		r.WilcoxonT, r.WilcoxonMethod, r.PWilcoxon = num(w.T, true), &method, num(w.P, true)
	}
	if m.Cutoff != nil {
		r.PrevPre = num(float64(c.highPre)/float64(n), true)
		r.PrevPost = num(float64(c.highPost)/float64(n), true)
		r.PMcNemar = num(McNemarExact(c.b, c.c), true)
	}
	if c.rciOK {
		if m.Cutoff != nil {
			r.RCIRecovered = count(c.recovered)
		}
		r.RCIImproved, r.RCINoChange, r.RCIDeteriorated = count(c.improved), count(c.noChange), count(c.deteriorated)
	}
	// Constant input (sessions or change) makes ρ not estimable.
	if c.maxSessions > c.minSessions && c.maxD > c.minD {
		if rho, p, ok := SpearmanFromRankSums(c.sn, c.sx, c.sy, c.sxx, c.syy, c.sxy); ok {
			r.SpearmanRho, r.PSpearman = num(rho, true), num(p, true)
		}
	}
	return r
}
