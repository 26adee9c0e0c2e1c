package analysis

// suppress applies INSTRUMENTS.md §6 to the rows of one measure (one row per scope, in the
// order of scopes): a cell is shown only when its paired n reaches minCell, and within every
// shown total (the programme, each modality, each region) the suppressed groups must together
// hold no paired participants or at least minCell, else the next-smallest shown group inside
// that total is suppressed too (ties: the smaller group code first), until nothing changes.
// Suppressed rows are then cleared of every number.
func suppress(rows []Row, scopes []scopeRef, minCell int) {
	shown := make([]bool, len(rows))
	for i, r := range rows {
		shown[i] = r.NPaired >= minCell
	}
	// Each total and the indexes of the group rows inside it.
	type total struct {
		row    int
		groups []int
	}
	var totals []total
	index := map[[2]string]int{}
	for i, sc := range scopes {
		if sc.scope != "group" {
			index[[2]string{sc.scope, sc.key}] = i
			totals = append(totals, total{row: i})
		}
	}
	for i, sc := range scopes {
		if sc.scope != "group" {
			continue
		}
		for _, parent := range [][2]string{{"overall", "all"}, {"modality", sc.modality}, {"region", sc.region}} {
			if t, ok := index[parent]; ok {
				for j := range totals {
					if totals[j].row == t {
						totals[j].groups = append(totals[j].groups, i)
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, t := range totals {
			if !shown[t.row] {
				continue
			}
			hidden, smallest := 0, -1
			for _, g := range t.groups {
				switch {
				case !shown[g]:
					hidden += rows[g].NPaired
				case smallest < 0 || smaller(rows[g], rows[smallest]):
					smallest = g
				}
			}
			if hidden > 0 && hidden < minCell && smallest >= 0 {
				shown[smallest] = false
				changed = true
			}
		}
	}
	for i := range rows {
		if !shown[i] {
			rows[i] = Row{Scope: rows[i].Scope, Key: rows[i].Key, Measure: rows[i].Measure, Suppressed: true}
		}
	}
}

// smaller orders groups for complementary suppression: fewer paired participants first, then
// the smaller group code.
func smaller(a, b Row) bool {
	if a.NPaired != b.NPaired {
		return a.NPaired < b.NPaired
	}
	return a.Key < b.Key
}

// adjustGroupP sets p_t_bh on the shown group rows with a p_t: Benjamini–Hochberg over them.
func adjustGroupP(rows []Row) {
	var idx []int
	var ps []float64
	for i, r := range rows {
		if r.Scope == "group" && !r.Suppressed && r.PT != nil {
			idx = append(idx, i)
			ps = append(ps, *r.PT)
		}
	}
	for j, adj := range BenjaminiHochberg(ps) {
		rows[idx[j]].PTBH = num(adj, true)
	}
}

// pool is DerSimonian–Laird over every group with n ≥ 2 and s_d > 0, suppressed or not: the
// pooled estimate is programme level (INSTRUMENTS.md §6).
func pool(measure string, rows []Row) PooledRow {
	var gs []GroupEstimate
	for _, r := range rows {
		if r.Scope == "group" && r.sdPositive && r.MeanChange != nil && r.SDChange != nil {
			gs = append(gs, GroupEstimate{Mean: *r.MeanChange, SD: *r.SDChange, N: r.NPaired})
		}
	}
	out := PooledRow{Measure: measure, K: len(gs)}
	if p, ok := DerSimonianLaird(gs); ok {
		out.Estimate, out.CILow, out.CIHigh = num(p.Estimate, true), num(p.CILow, true), num(p.CIHigh, true)
		out.Tau2, out.P = num(p.Tau2, true), num(p.P, true)
		if p.I2 != nil {
			out.I2 = num(*p.I2, true)
		}
	}
	return out
}
