package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Comparisons are the pairings the analysis can make (INSTRUMENTS.md §4).
var Comparisons = map[string]string{"pre-post": "post", "pre-followup": "followup"}

// MinCellFloor is the smallest cell anyone may ask for (INSTRUMENTS.md §6).
const MinCellFloor = 3

// Filter restricts the analysis to groups of one modality or region, or to participants who
// gave one profession at baseline. Empty fields do not filter.
type Filter struct {
	Modality, Region, Profession string
}

// RCIOverride replaces the programme's baseline SD or reliability of a measure (INSTRUMENTS.md
// §5 allows both in configuration). Nil fields keep the computed value.
type RCIOverride struct {
	SD1, Reliability *float64
}

// Options are what an analysis is asked for.
type Options struct {
	Programme  string
	Comparison string // "pre-post" (default) or "pre-followup"
	MinCell    int    // default 5; never below MinCellFloor
	Filter     Filter
	RCI        map[string]RCIOverride
	Now        func() time.Time

	// skipDisclosure is for this package's tests of statistics on scopes below the floor; no
	// exported path can set it.
	skipDisclosure bool
}

// Analyse computes every statistic of INSTRUMENTS.md §5 for every measure and scope, then
// applies disclosure control (§6) before anything is returned: no caller can see a suppressed
// number, because the Results never hold one.
func Analyse(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (*Results, error) {
	if o.Comparison == "" {
		o.Comparison = "pre-post"
	}
	later, ok := Comparisons[o.Comparison]
	if !ok {
		return nil, fmt.Errorf("analysis: unknown comparison %q (pre-post or pre-followup)", o.Comparison)
	}
	// Every figure comes from scans of the whole responses table: give DuckDB every core.
	defer db.Parallel(ctx)()
	if o.MinCell == 0 {
		o.MinCell = 5
	}
	if o.MinCell < MinCellFloor {
		return nil, fmt.Errorf("analysis: min cell %d is below the floor of %d", o.MinCell, MinCellFloor)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ms, err := measures(set)
	if err != nil {
		return nil, err
	}
	items, err := newItemTable(set)
	if err != nil {
		return nil, err
	}
	spans, registered, err := peopleSpans(ctx, db.SQL())
	if err != nil {
		return nil, fmt.Errorf("analysis: count participants: %w", err)
	}
	// The groups and their delivery figures need no counted responses: when DuckDB's memory
	// limit lets the participants be read in one query, the groups are read beside it on a
	// second connection. Under a small limit they are read first: two large aggregations at once
	// each reserved memory as if alone, and a national programme ran out of memory at limits
	// where each query alone needs a quarter of it (docs/BENCHMARKS.md, Excel reports).
	type groupsRead struct {
		groups []groupInfo
		price  *float64
		err    error
	}
	groupsDone := make(chan groupsRead, 1)
	readAll := func() {
		var r groupsRead
		if r.groups, r.err = readGroups(ctx, db, o.Filter); r.err == nil {
			r.price, r.err = tariff(ctx, db)
		}
		groupsDone <- r
	}
	if len(spans) == 1 {
		go readAll()
	} else {
		readAll()
	}
	acc := newReliabilityAcc(items, ms)
	p, err := readPeople(ctx, db.SQL(), ms, later, o.Filter.Profession, acc, spans, registered)
	gr := <-groupsDone
	if err == nil {
		err = gr.err
	}
	if err != nil {
		return nil, err
	}
	groups, price := gr.groups, gr.price
	p.inGroups(groupLookup(groups))
	spread := spreadOf(p, ms, o.MinCell, o.Comparison)
	rel := acc.result(ms, o.RCI)
	scopes, layout := scopesOf(groups)
	byGroup := membersByGroup(p, len(groups))

	res := &Results{Programme: o.Programme, GeneratedAt: o.Now().UTC().Truncate(time.Second), MinCell: o.MinCell, Comparison: o.Comparison,
		Spread: spread}
	res.Pooled = make([]PooledRow, len(ms))
	perMeasure := make([][]Row, len(ms))
	// Measures are independent: share them between the cores.
	var wg sync.WaitGroup
	next := make(chan int, len(ms))
	for mi := range ms {
		next <- mi
	}
	close(next)
	for range max(1, min(runtime.GOMAXPROCS(0), len(ms))) {
		wg.Go(func() {
			for mi := range next {
				m := ms[mi]
				gcells, lcells := measureCells(p, mi, m, rel[mi], byGroup, layout)
				rows := make([]Row, len(scopes))
				for si, sc := range scopes {
					var c *cell
					switch {
					case sc.scope == "group":
						c = &gcells[si-1]
					default:
						c = &lcells[sc.larger]
					}
					rows[si] = buildRow(sc, m, c)
				}
				res.Pooled[mi] = pool(m.ID, rows)
				if !o.skipDisclosure {
					suppress(rows, scopes, o.MinCell)
				}
				adjustGroupP(rows)
				perMeasure[mi] = rows
			}
		})
	}
	wg.Wait()
	// Scopes are in result order (programme, groups, modalities, regions, each by key), so
	// interleaving the measures gives the result order (scope, key, MeasureIDs) without sorting.
	res.Results = make([]Row, 0, len(scopes)*len(ms))
	for si := range scopes {
		for mi := range ms {
			res.Results = append(res.Results, perMeasure[mi][si])
		}
	}
	res.addDelivery(groups, p, ms, price, o.MinCell)
	return res, nil
}

// addDelivery adds the per-group delivery figures, programme totals with cost per reliable
// improvement on the headline measure, and the completers versus drop-outs comparison.
func (res *Results) addDelivery(infos []groupInfo, p *people, ms []Measure, price *float64, minCell int) {
	groups, totals := delivery(infos, p, minCell, price)
	improvedIn := map[string]int{}
	for _, r := range res.Results {
		if r.Measure == HeadlineMeasure && !r.Suppressed && r.RCIImproved != nil {
			improvedIn[r.Scope+"/"+r.Key] = *r.RCIImproved + *r.RCIRecovered
		}
	}
	perImprovement := func(cost *float64, key string) *float64 {
		if n := improvedIn[key]; cost != nil && n > 0 {
			return num(*cost/float64(n), true)
		}
		return nil
	}
	for i := range groups {
		if !groups[i].Suppressed {
			groups[i].CostPerImprovement = perImprovement(groups[i].Cost, "group/"+groups[i].GroupCode)
		}
	}
	totals.CostPerImprovement = perImprovement(totals.Cost, "overall/all")
	res.Groups, res.Totals = groups, totals
	res.Baseline = baseline(p, ms, minCell)
}

// baseline compares, per measure, the baseline scores of participants with and without a
// counted later response (completers and drop-outs), over those with a valid baseline score.
// A measure nobody has a valid baseline score for has no entry.
func baseline(p *people, ms []Measure, minCell int) []Baseline {
	var out []Baseline
	for mi, m := range ms {
		var nc, nd int
		var sc, sd float64
		for i := range p.len() {
			x := p.pre(i, mi)
			if !p.keep[i] || math.IsNaN(x) {
				continue
			}
			if p.hasLater[i] {
				nc++
				sc += x
			} else {
				nd++
				sd += x
			}
		}
		if nc+nd == 0 {
			continue
		}
		b := Baseline{Measure: m.ID}
		// Complementary suppression: completers and drop-outs together are everyone with a
		// baseline score, whose count and mean the overall row shows, so one shown half would
		// give the other away by subtraction. Both are shown or neither.
		if nc >= minCell && nd >= minCell {
			b.NCompleters, b.MeanPreCompleters = count(nc), num(sc/float64(nc), true)
			b.NDropouts, b.MeanPreDropouts = count(nd), num(sd/float64(nd), true)
		}
		out = append(out, b)
	}
	return out
}

// scopeRef is one scope that gets a row: the programme, every group, and every modality and
// region that a group has, whether or not anyone answered.
type scopeRef struct {
	scope, key       string
	modality, region string // of a group
	larger           int    // index of a programme, modality or region scope among the larger scopes
}

// groupInfo is one group in the filter with its delivery figures.
type groupInfo struct {
	id                                  int32
	code, modality                      string
	region                              sql.NullString
	capacity, planned, budget           int
	held, minutes, present, peopleShown int
}

func readGroups(ctx context.Context, db *ingest.DB, f Filter) ([]groupInfo, error) {
	rows, err := db.SQL().QueryContext(ctx, groupsQuery, sql.Named("modality", f.Modality), sql.Named("region", f.Region))
	if err != nil {
		return nil, fmt.Errorf("analysis: read groups: %w", err)
	}
	defer rows.Close()
	var out []groupInfo
	for rows.Next() {
		var g groupInfo
		if err := rows.Scan(&g.id, &g.code, &g.modality, &g.region, &g.capacity, &g.planned, &g.budget,
			&g.held, &g.minutes, &g.present, &g.peopleShown); err != nil {
			return nil, fmt.Errorf("analysis: read groups: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analysis: read groups: %w", err)
	}
	// Result order compares keys as Go strings; DuckDB's default collation agrees, but the rows
	// must not depend on it.
	if !slices.IsSortedFunc(out, func(a, b groupInfo) int { return strings.Compare(a.code, b.code) }) {
		slices.SortFunc(out, func(a, b groupInfo) int { return strings.Compare(a.code, b.code) })
	}
	return out, nil
}

// groupLookup maps a group id to its index in groups; false for groups outside the filter.
func groupLookup(groups []groupInfo) func(int32) (int32, bool) {
	maxID := int32(0)
	for _, g := range groups {
		maxID = max(maxID, g.id)
	}
	if maxID < 1<<22 {
		idx := make([]int32, maxID+1)
		for i := range idx {
			idx[i] = -1
		}
		for i, g := range groups {
			if g.id >= 0 {
				idx[g.id] = int32(i)
			}
		}
		return func(id int32) (int32, bool) {
			if id < 0 || id > maxID || idx[id] < 0 {
				return 0, false
			}
			return idx[id], true
		}
	}
	m := make(map[int32]int32, len(groups))
	for i, g := range groups {
		m[g.id] = int32(i)
	}
	return func(id int32) (int32, bool) {
		i, ok := m[id]
		return i, ok
	}
}

// scopesOf lists the scopes in result order: the programme, every group (groups are sorted by
// code), then every modality and region that a group has, each sorted.
func scopesOf(groups []groupInfo) ([]scopeRef, scopeLayout) {
	var mods, regs []string
	seenMod, seenReg := map[string]bool{}, map[string]bool{}
	for _, g := range groups {
		if !seenMod[g.modality] {
			seenMod[g.modality] = true
			mods = append(mods, g.modality)
		}
		if r := g.region.String; g.region.Valid && r != "" && !seenReg[r] {
			seenReg[r] = true
			regs = append(regs, r)
		}
	}
	slices.Sort(mods)
	slices.Sort(regs)
	larger := map[[2]string]int{{"overall", "all"}: 0}
	for i, m := range mods {
		larger[[2]string{"modality", m}] = 1 + i
	}
	for i, r := range regs {
		larger[[2]string{"region", r}] = 1 + len(mods) + i
	}
	layout := scopeLayout{nLarger: 1 + len(mods) + len(regs), modality: make([]int32, len(groups)), region: make([]int32, len(groups))}
	out := make([]scopeRef, 0, 1+len(groups)+len(mods)+len(regs))
	out = append(out, scopeRef{scope: "overall", key: "all"})
	for i, g := range groups {
		region := ""
		if g.region.Valid {
			region = g.region.String
		}
		out = append(out, scopeRef{scope: "group", key: g.code, modality: g.modality, region: region})
		layout.modality[i] = int32(larger[[2]string{"modality", g.modality}])
		layout.region[i] = -1
		if r, ok := larger[[2]string{"region", region}]; ok {
			layout.region[i] = int32(r)
		}
	}
	for i, m := range mods {
		out = append(out, scopeRef{scope: "modality", key: m, larger: 1 + i})
	}
	for i, r := range regs {
		out = append(out, scopeRef{scope: "region", key: r, larger: 1 + len(mods) + i})
	}
	return out, layout
}

// membersByGroup lists each group's participants (indexes into p), by counting sort.
func membersByGroup(p *people, nGroups int) [][]int32 {
	counts := make([]int32, nGroups+1)
	for _, g := range p.group {
		counts[g+1]++
	}
	for g := 1; g <= nGroups; g++ {
		counts[g] += counts[g-1]
	}
	flat := make([]int32, p.len())
	fill := slices.Clone(counts[:nGroups])
	for i, g := range p.group {
		flat[fill[g]] = int32(i)
		fill[g]++
	}
	out := make([][]int32, nGroups)
	for g := range out {
		out[g] = flat[counts[g]:counts[g+1]:counts[g+1]]
	}
	return out
}
