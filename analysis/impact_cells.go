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
func readCells(ctx context.Context, s *session, ms []Measure, rel map[string]measureReliability) (map[cellKey]*cell, error) {
	cells := map[cellKey]*cell{}
	get := func(k cellKey) *cell {
		c := cells[k]
		if c == nil {
			c = &cell{rciOK: rel[k.measure].ok}
			cells[k] = c
		}
		return c
	}
	err := s.scan(ctx, momentsQuery(rciValues(ms, rel)), nil, func(rows *sql.Rows) error {
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
	err = s.scan(ctx, wilcoxonQuery(), nil, func(rows *sql.Rows) error {
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
	err = s.scan(ctx, spearmanQuery(), nil, func(rows *sql.Rows) error {
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

// session is one analysis's own connection, holding its temp tables: pp_counted (the counted
// responses, unfiltered) and pp_long (one row per participant and measure, filtered). Every
// later query reads these small tables instead of recomputing the counting rule.
type session struct {
	conn *sql.Conn
}

func openSession(ctx context.Context, db *ingest.DB, ms []Measure, later string, f Filter) (*session, error) {
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{conn: conn}
	steps := []struct {
		sql  string
		args []any
	}{
		{"CREATE OR REPLACE TEMP TABLE pp_counted AS " + countedSQL(ms, later), nil},
		{"CREATE OR REPLACE TEMP TABLE pp_long AS " + longSQL(ms), filterArgs(f)},
	}
	for _, st := range steps {
		if _, err := conn.ExecContext(ctx, st.sql, st.args...); err != nil {
			s.close()
			return nil, fmt.Errorf("analysis: prepare: %w", err)
		}
	}
	return s, nil
}

// close drops the temp tables before the connection goes back to the pool.
func (s *session) close() {
	ctx := context.Background()
	_, _ = s.conn.ExecContext(ctx, "DROP TABLE IF EXISTS pp_long")
	_, _ = s.conn.ExecContext(ctx, "DROP TABLE IF EXISTS pp_counted")
	_ = s.conn.Close()
}

func (s *session) scan(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.conn.QueryContext(ctx, q, args...)
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
