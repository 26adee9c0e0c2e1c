package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/peerpulse/peerpulse/ingest"
)

type cellKey struct{ scope, key, measure string }

// cell holds the aggregates SQL computed for one measure in one scope, before any statistic.
type cell struct {
	nPre, nPost, n                int
	meanD, sdD                    sql.NullFloat64
	distinctD, zeros              int
	meanPre, sdPre                sql.NullFloat64
	meanPost, sdPost              sql.NullFloat64
	highPre, highPost, b, c       int
	recovered, improved, noChange int
	deteriorated                  int
	distinctSessions              int
	rciOK                         bool

	nNonZero      int
	rPlus, tieSum float64

	sn                    int
	sx, sy, sxx, syy, sxy float64
}

// readCells runs the moments, Wilcoxon and Spearman queries and gathers their rows by scope.
func readCells(ctx context.Context, db *ingest.DB, ms []Measure, later string, f Filter, rel map[string]measureReliability) (map[cellKey]*cell, error) {
	base := baseCTEs(ms, later, false)
	cells := map[cellKey]*cell{}
	get := func(k cellKey) *cell {
		c := cells[k]
		if c == nil {
			c = &cell{rciOK: rel[k.measure].ok}
			cells[k] = c
		}
		return c
	}
	err := scanAll(ctx, db, momentsQuery(base, rciValues(ms, rel)), f, func(rows *sql.Rows) error {
		var k cellKey
		var c cell
		err := rows.Scan(&k.scope, &k.key, &k.measure, &c.nPre, &c.nPost, &c.n, &c.meanD, &c.sdD, &c.distinctD, &c.zeros,
			&c.meanPre, &c.sdPre, &c.meanPost, &c.sdPost, &c.highPre, &c.highPost, &c.b, &c.c,
			&c.recovered, &c.improved, &c.noChange, &c.deteriorated, &c.distinctSessions)
		c.rciOK = rel[k.measure].ok
		*get(k) = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: moments: %w", err)
	}
	err = scanAll(ctx, db, wilcoxonQuery(base), f, func(rows *sql.Rows) error {
		var k cellKey
		var n int
		var rPlus, tie float64
		err := rows.Scan(&k.scope, &k.key, &k.measure, &n, &rPlus, &tie)
		c := get(k)
		c.nNonZero, c.rPlus, c.tieSum = n, rPlus, tie
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: signed ranks: %w", err)
	}
	err = scanAll(ctx, db, spearmanQuery(base), f, func(rows *sql.Rows) error {
		var k cellKey
		var s cell
		err := rows.Scan(&k.scope, &k.key, &k.measure, &s.sn, &s.sx, &s.sy, &s.sxx, &s.syy, &s.sxy)
		c := get(k)
		c.sn, c.sx, c.sy, c.sxx, c.syy, c.sxy = s.sn, s.sx, s.sy, s.sxx, s.syy, s.sxy
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: rank correlation: %w", err)
	}
	return cells, nil
}

func scanAll(ctx context.Context, db *ingest.DB, q string, f Filter, scan func(*sql.Rows) error) error {
	rows, err := db.SQL().QueryContext(ctx, q, filterArgs(f)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
