package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	s, err := openSession(ctx, db, ms, later, o.Filter)
	if err != nil {
		return nil, err
	}
	defer s.close()
	rel, err := reliability(ctx, s, ms, o.RCI)
	if err != nil {
		return nil, err
	}
	cells, err := readCells(ctx, s, ms, rel)
	if err != nil {
		return nil, err
	}
	scopes, err := readScopes(ctx, db, o.Filter)
	if err != nil {
		return nil, err
	}
	res := &Results{Programme: o.Programme, GeneratedAt: o.Now().UTC().Truncate(time.Second), MinCell: o.MinCell, Comparison: o.Comparison}
	for _, m := range ms {
		rows := make([]Row, 0, len(scopes))
		for _, sc := range scopes {
			rows = append(rows, buildRow(sc, m, cells[cellKey{sc.scope, sc.key, m.ID}]))
		}
		res.Pooled = append(res.Pooled, pool(m.ID, rows))
		if !o.skipDisclosure {
			suppress(rows, scopes, o.MinCell)
		}
		adjustGroupP(rows)
		res.Results = append(res.Results, rows...)
	}
	sortRows(res.Results)
	if err := res.addDelivery(ctx, db, s, o); err != nil {
		return nil, err
	}
	return res, nil
}

// addDelivery adds the per-group delivery figures, programme totals with cost per reliable
// improvement on the headline measure, and the completers versus drop-outs comparison.
func (res *Results) addDelivery(ctx context.Context, db *ingest.DB, s *session, o Options) error {
	price, err := tariff(ctx, db)
	if err != nil {
		return err
	}
	groups, totals, err := delivery(ctx, s, o.Filter, o.MinCell, price)
	if err != nil {
		return fmt.Errorf("analysis: delivery: %w", err)
	}
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
	err = s.scan(ctx, baselineQuery(), nil, func(rows *sql.Rows) error {
		var b Baseline
		var nc, nd int
		var mc, md sql.NullFloat64
		if err := rows.Scan(&b.Measure, &nc, &mc, &nd, &md); err != nil {
			return err
		}
		if nc >= o.MinCell {
			b.NCompleters, b.MeanPreCompleters = count(nc), num(mc.Float64, mc.Valid)
		}
		if nd >= o.MinCell {
			b.NDropouts, b.MeanPreDropouts = count(nd), num(md.Float64, md.Valid)
		}
		res.Baseline = append(res.Baseline, b)
		return nil
	})
	if err != nil {
		return fmt.Errorf("analysis: baseline: %w", err)
	}
	slices.SortFunc(res.Baseline, func(a, b Baseline) int {
		return slices.Index(MeasureIDs, a.Measure) - slices.Index(MeasureIDs, b.Measure)
	})
	return nil
}

// scopeRef is one scope that gets a row: the programme, every group, and every modality and
// region that a group has, whether or not anyone answered.
type scopeRef struct {
	scope, key       string
	modality, region string // of a group
}

func readScopes(ctx context.Context, db *ingest.DB, f Filter) ([]scopeRef, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT group_code, modality, coalesce(region, '') FROM groups
		WHERE ($1 = '' OR modality = $1) AND ($2 = '' OR region = $2) ORDER BY group_code`, f.Modality, f.Region)
	if err != nil {
		return nil, fmt.Errorf("analysis: read groups: %w", err)
	}
	defer rows.Close()
	out := []scopeRef{{scope: "overall", key: "all"}}
	modalities, regions := map[string]bool{}, map[string]bool{}
	var mods, regs []string
	for rows.Next() {
		var g scopeRef
		if err := rows.Scan(&g.key, &g.modality, &g.region); err != nil {
			return nil, err
		}
		g.scope = "group"
		out = append(out, g)
		if !modalities[g.modality] {
			modalities[g.modality] = true
			mods = append(mods, g.modality)
		}
		if g.region != "" && !regions[g.region] {
			regions[g.region] = true
			regs = append(regs, g.region)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, m := range sortedStrings(mods) {
		out = append(out, scopeRef{scope: "modality", key: m})
	}
	for _, r := range sortedStrings(regs) {
		out = append(out, scopeRef{scope: "region", key: r})
	}
	return out, nil
}

// measureReliability is the first stage: what RCI needs for one measure.
type measureReliability struct {
	sd1, alpha float64
	ok         bool // both known, α < 1: RCI is estimable
}

func reliability(ctx context.Context, s *session, ms []Measure, overrides map[string]RCIOverride) (map[string]measureReliability, error) {
	sd1 := make([]sql.NullFloat64, len(ms))
	dest := make([]any, len(ms))
	for i := range ms {
		dest[i] = &sd1[i]
	}
	if err := s.conn.QueryRowContext(ctx, baselineSDQuery(ms)).Scan(dest...); err != nil {
		return nil, fmt.Errorf("analysis: baseline SD: %w", err)
	}
	q, err := reliabilityQuery(ms)
	if err != nil {
		return nil, err
	}
	type alphaParts struct {
		n, k              int
		itemVar, totalVar sql.NullFloat64
	}
	parts := make([]alphaParts, len(ms))
	dest = dest[:0]
	for i := range ms {
		dest = append(dest, &parts[i].n, &parts[i].k, &parts[i].itemVar, &parts[i].totalVar)
	}
	if err := s.conn.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return nil, fmt.Errorf("analysis: reliability: %w", err)
	}
	out := map[string]measureReliability{}
	for i, m := range ms {
		p := parts[i]
		r := measureReliability{sd1: sd1[i].Float64}
		alphaOK := p.n >= 2 && p.k >= 2 && p.itemVar.Valid && p.totalVar.Valid && p.totalVar.Float64 > 0
		if alphaOK {
			r.alpha = float64(p.k) / float64(p.k-1) * (1 - p.itemVar.Float64/p.totalVar.Float64)
		}
		sdOK := sd1[i].Valid
		if o, ok := overrides[m.ID]; ok {
			if o.SD1 != nil {
				r.sd1, sdOK = *o.SD1, true
			}
			if o.Reliability != nil {
				r.alpha, alphaOK = *o.Reliability, true
			}
		}
		r.ok = sdOK && alphaOK
		out[m.ID] = r
	}
	return out, nil
}

func filterArgs(f Filter) []any {
	return []any{sql.Named("modality", f.Modality), sql.Named("region", f.Region), sql.Named("profession", f.Profession)}
}

// rciValues is the VALUES list the moments query classifies changes with.
func rciValues(ms []Measure, rel map[string]measureReliability) string {
	var vals []string
	for _, m := range ms {
		sdiff := "NULL::DOUBLE"
		if r := rel[m.ID]; r.ok {
			if t, ok := NewRCI(r.sd1, r.alpha); ok {
				sdiff = strconv.FormatFloat(t.SDiff, 'g', -1, 64) + "::DOUBLE"
			}
		}
		cutoff := "NULL::DOUBLE"
		if m.Cutoff != nil {
			cutoff = strconv.FormatFloat(*m.Cutoff, 'g', -1, 64) + "::DOUBLE"
		}
		vals = append(vals, fmt.Sprintf("('%s', %s, %v, %s)", m.ID, sdiff, m.HigherIsWorse, cutoff))
	}
	return strings.Join(vals, ", ")
}
