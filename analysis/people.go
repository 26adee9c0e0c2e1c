package analysis

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
)

// people holds one entry per participant with a counted response at pre or at the later
// timepoint, in a group inside the filter, column by column. A score that is not valid (or
// whose timepoint has no counted response) is NaN: scores themselves are never NaN.
type people struct {
	group    []int32 // index into groups
	keep     []bool  // passes the profession filter: counted in the statistics
	hasPre   []bool
	hasLater []bool
	sessions []int32
	pre      [][]float64 // [measure][participant]
	post     [][]float64
}

func (p *people) len() int { return len(p.group) }

// session is one analysis's own connection: pp_person, the counted responses pivoted to one row
// per participant, is a temp table on it, read by the reliability and people queries.
type session struct {
	conn *sql.Conn
}

func openSession(ctx context.Context, db *sql.DB, ms []Measure, later string) (*session, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{conn: conn}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE pp_person AS "+personSQL(ms, later)); err != nil {
		s.close()
		return nil, fmt.Errorf("analysis: counted responses: %w", err)
	}
	return s, nil
}

// close drops the temp table before the connection goes back to the pool.
func (s *session) close() {
	_, _ = s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS pp_person")
	_ = s.conn.Close()
}

// readPeople reads pp_person for the groups in groupIndex (group_id → index; absent: outside
// the filter). It talks to the driver directly: database/sql's per-value conversion would cost
// more than the analysis itself on a national programme (a quarter of a million rows).
func (s *session) readPeople(ctx context.Context, ms []Measure, profession string, groupIndex func(int32) (int32, bool)) (*people, error) {
	p := &people{pre: make([][]float64, len(ms)), post: make([][]float64, len(ms))}
	err := s.conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("driver cannot query")
		}
		rows, err := q.QueryContext(ctx, peopleQuery(ms), []driver.NamedValue{{Name: "profession", Value: profession}})
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, 5+2*len(ms))
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			gid, ok := dest[0].(int32)
			if !ok {
				return fmt.Errorf("group id is %T", dest[0])
			}
			g, in := groupIndex(gid)
			if !in {
				continue
			}
			sessions, ok := dest[4].(int32)
			if !ok {
				return fmt.Errorf("sessions is %T", dest[4])
			}
			p.group = append(p.group, g)
			p.keep = append(p.keep, dest[1] == true)
			p.hasPre = append(p.hasPre, dest[2] == true)
			p.hasLater = append(p.hasLater, dest[3] == true)
			p.sessions = append(p.sessions, sessions)
			for mi := range ms {
				p.pre[mi] = append(p.pre[mi], scoreValue(dest[5+2*mi]))
				p.post[mi] = append(p.post[mi], scoreValue(dest[6+2*mi]))
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: read participants: %w", err)
	}
	return p, nil
}

func scoreValue(v driver.Value) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}

// measureReliability is the first stage: what RCI needs for one measure.
type measureReliability struct {
	sd1, alpha float64
	ok         bool // both known, α < 1: RCI is estimable
}

func (s *session) reliability(ctx context.Context, ms []Measure, overrides map[string]RCIOverride) ([]measureReliability, error) {
	q, err := reliabilityQuery(ms)
	if err != nil {
		return nil, err
	}
	type alphaParts struct {
		sd1               sql.NullFloat64
		n, k              int
		itemVar, totalVar sql.NullFloat64
	}
	parts := make([]alphaParts, len(ms))
	var dest []any
	for i := range ms {
		dest = append(dest, &parts[i].sd1, &parts[i].n, &parts[i].k, &parts[i].itemVar, &parts[i].totalVar)
	}
	if err := s.conn.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return nil, fmt.Errorf("analysis: reliability: %w", err)
	}
	out := make([]measureReliability, len(ms))
	for i, m := range ms {
		p := parts[i]
		r := measureReliability{sd1: p.sd1.Float64}
		alphaOK := p.n >= 2 && p.k >= 2 && p.itemVar.Valid && p.totalVar.Valid && p.totalVar.Float64 > 0
		if alphaOK {
			r.alpha = float64(p.k) / float64(p.k-1) * (1 - p.itemVar.Float64/p.totalVar.Float64)
		}
		sdOK := p.sd1.Valid
		if o, ok := overrides[m.ID]; ok {
			if o.SD1 != nil {
				r.sd1, sdOK = *o.SD1, true
			}
			if o.Reliability != nil {
				r.alpha, alphaOK = *o.Reliability, true
			}
		}
		r.ok = sdOK && alphaOK
		out[i] = r
	}
	return out, nil
}
