package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"github.com/peerpulse/peerpulse/ingest"
)

type cellKey struct{ scope, key, measure string }

// cell holds the aggregates for one measure in one scope, before any statistic. Everything in
// it merges exactly across groups, so larger scopes are built from group cells.
type cell struct {
	nPre, nPost                   int
	d, pre, post                  moments // over the paired sample
	minD, maxD                    float64 // range of changes rounded to 9 places
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

// moments are a count, mean and sum of squared deviations (M2), combined by Chan's formula so
// that merging groups loses no precision to cancellation.
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

// sd is the sample SD (ddof 1); not valid below two values.
func (m moments) sd() (float64, bool) {
	if m.n < 2 {
		return 0, false
	}
	return math.Sqrt(m.m2 / float64(m.n-1)), true
}

// merge adds a group's aggregates into a larger scope's.
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
		var code, modality, measure string
		var region sql.NullString
		var c cell
		var meanD, varD, minD, maxD, meanPre, varPre, meanPost, varPost sql.NullFloat64
		var minS, maxS sql.NullInt64
		err := rows.Scan(&code, &modality, &region, &measure, &c.nPre, &c.nPost, &c.d.n, &meanD, &varD, &minD, &maxD, &c.zeros,
			&meanPre, &varPre, &meanPost, &varPost, &c.highPre, &c.highPost, &c.b, &c.c,
			&c.recovered, &c.improved, &c.noChange, &c.deteriorated, &minS, &maxS)
		if err != nil {
			return err
		}
		c.pre.n, c.post.n = c.d.n, c.d.n
		c.d.mean, c.d.m2 = meanD.Float64, varD.Float64*float64(max(c.d.n-1, 0))
		c.pre.mean, c.pre.m2 = meanPre.Float64, varPre.Float64*float64(max(c.d.n-1, 0))
		c.post.mean, c.post.m2 = meanPost.Float64, varPost.Float64*float64(max(c.d.n-1, 0))
		c.minD, c.maxD, c.minSessions, c.maxSessions = minD.Float64, maxD.Float64, int(minS.Int64), int(maxS.Int64)
		*get(cellKey{"group", code, measure}) = c
		get(cellKey{"overall", "all", measure}).merge(&c)
		get(cellKey{"modality", modality, measure}).merge(&c)
		if region.Valid {
			get(cellKey{"region", region.String, measure}).merge(&c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: moments: %w", err)
	}
	for k, c := range cells {
		c.rciOK = rel[k.measure].ok
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
	err = s.scan(ctx, groupRanksQuery, nil, func(rows *sql.Rows) error {
		k := cellKey{scope: "group"}
		var r cell
		err := rows.Scan(&k.key, &k.measure, &r.nNonZero, &r.rPlus, &r.tieSum, &r.sn, &r.sx, &r.sy, &r.sxx, &r.syy, &r.sxy)
		c := get(k)
		c.nNonZero, c.rPlus, c.tieSum = r.nNonZero, r.rPlus, r.tieSum
		c.sn, c.sx, c.sy, c.sxx, c.syy, c.sxy = r.sn, r.sx, r.sy, r.sxx, r.syy, r.sxy
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: group ranks: %w", err)
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
