package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// txConn is one connection inside an open transaction, with the bulk-writing steps that the
// loader and the submission writer share.
type txConn struct {
	ctx  context.Context
	conn *sql.Conn
}

// reserve takes n unique ids from a sequence in one statement, because the Appender cannot
// evaluate a sequence default.
func (tc *txConn) reserve(seq string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	rows, err := tc.conn.QueryContext(tc.ctx, fmt.Sprintf("SELECT nextval('%s') FROM range(?)", seq), n)
	if err != nil {
		return nil, fmt.Errorf("reserve %d ids from %s: %w", n, seq, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// appendRows opens an Appender on table for the given columns, feeds it every row that emit
// produces and closes it, so the rows land inside the open transaction.
func (tc *txConn) appendRows(table string, columns []string, emit func(add func(...driver.Value) error) error) error {
	return tc.conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", table, columns)
		if err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		if err := emit(a.AppendRow); err != nil {
			_ = a.Close()
			return err
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		return nil
	})
}

// responseRow is a scored response with its ids resolved, ready to append.
type responseRow struct {
	Scored
	key     int64
	group   int32
	person  int32
	session any // session id for the pulse, else nil
	// answersJSON, when set, is the answers already encoded (bulk loads encode them in parallel).
	answersJSON string
	// introduces is set on the web submission that creates its participant: the row carries the
	// code (new_participant_code) and is the participant's record in the participants view.
	introduces bool
}

// writeResponses assigns keys (and ids where the source gave none) and appends the responses.
func (tc *txConn) writeResponses(l layout, rows []responseRow) error {
	keys, err := tc.reserve("response_key_seq", len(rows))
	if err != nil {
		return err
	}
	cols := append(slices.Clone(responseColumns), l.scoreColumns()...)
	return tc.appendRows("responses", cols, emitResponses(l, rows, keys))
}

// emitResponses gives rows, with their keys, to an Appender of the responses table.
func emitResponses(l layout, rows []responseRow, keys []int64) func(add func(...driver.Value) error) error {
	return func(add func(...driver.Value) error) error {
		values := make([]driver.Value, len(responseColumns)+len(l.scales))
		for i := range rows {
			r := &rows[i]
			r.key = keys[i]
			if err := r.fill(l, values); err != nil {
				return err
			}
			if err := add(values...); err != nil {
				return fmt.Errorf("response %s: %w", r.ResponseID, err)
			}
		}
		return nil
	}
}

// fill writes the row's values in column order (responseColumns, then the score columns),
// assigning a response id from the key when the source gave none.
func (r *responseRow) fill(l layout, v []driver.Value) error {
	if r.ResponseID == "" {
		r.ResponseID = AssignedResponseID(r.key)
	}
	texts, err := textsJSON(r.Texts)
	if err != nil {
		return fmt.Errorf("response %s: %w", r.ResponseID, err)
	}
	v[0], v[1], v[2], v[3], v[4], v[5], v[6] = r.key, r.ResponseID, nullString(r.ClientID), r.group, r.person, r.Timepoint, r.session
	v[7], v[8], v[9], v[10], v[11] = r.SubmittedAt.UTC(), r.Source, nullString(r.Profession), nullString(r.CareerStage), r.Versions
	answers := r.answersJSON
	if answers == "" {
		answers = l.answersJSON(r.Answers)
	}
	v[12], v[13], v[14] = answers, texts, nil
	if r.introduces {
		v[14] = r.ParticipantCode
	}
	at := len(responseColumns)
	for _, id := range l.scales {
		v[at] = nil
		for _, s := range r.Scales {
			if s.Scale == id && s.Valid {
				v[at] = s.Score
			}
		}
		at++
	}
	return nil
}

// AssignedResponseID is the id given to a response whose source gave none: zero-padded so that
// text order is write order, as the tie rule of INSTRUMENTS.md §4 compares ids.
func AssignedResponseID(key int64) string { return fmt.Sprintf("pp-%010d", key) }
