package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

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
}

type written struct{ answers, scores int }

// writeResponses assigns keys (and ids where the source gave none) and appends the responses
// with their answers, free text and scale scores. It sets key and ResponseID on rows.
func (tc *txConn) writeResponses(rows []responseRow) (written, error) {
	var n written
	keys, err := tc.reserve("response_key_seq", len(rows))
	if err != nil {
		return n, err
	}
	for i := range rows {
		rows[i].key = keys[i]
		if rows[i].ResponseID == "" {
			rows[i].ResponseID = AssignedResponseID(keys[i])
		}
	}
	cols := []string{"response_key", "response_id", "client_id", "group_id", "participant_id", "timepoint",
		"session_id", "submitted_at", "source", "profession", "career_stage", "instrument_versions"}
	err = tc.appendRows("responses", cols, func(add func(...driver.Value) error) error {
		for _, r := range rows {
			if err := add(r.key, r.ResponseID, nullString(r.ClientID), r.group, r.person, r.Timepoint, r.session,
				r.SubmittedAt.UTC(), r.Source, nullString(r.Profession), nullString(r.CareerStage), r.Versions); err != nil {
				return fmt.Errorf("response %s: %w", r.ResponseID, err)
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	err = tc.appendRows("answers", []string{"response_key", "item_id", "code"}, func(add func(...driver.Value) error) error {
		for _, r := range rows {
			for _, item := range sortedKeys(r.Answers) {
				if err := add(r.key, item, int8(r.Answers[item])); err != nil {
					return fmt.Errorf("response %s item %s: %w", r.ResponseID, item, err)
				}
				n.answers++
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	err = tc.appendRows("text_answers", []string{"response_key", "field_id", "value"}, func(add func(...driver.Value) error) error {
		for _, r := range rows {
			for _, field := range sortedKeys(r.Texts) {
				if err := add(r.key, field, r.Texts[field]); err != nil {
					return fmt.Errorf("response %s field %s: %w", r.ResponseID, field, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	err = tc.appendRows("scale_scores", []string{"response_key", "scale", "score", "answered", "instrument", "instrument_version"},
		func(add func(...driver.Value) error) error {
			for _, r := range rows {
				for _, s := range r.Scales {
					var score any
					if s.Valid {
						score = s.Score
					}
					if err := add(r.key, s.Scale, score, int16(s.Answered), s.Instrument, s.Version); err != nil {
						return fmt.Errorf("response %s scale %s: %w", r.ResponseID, s.Scale, err)
					}
					n.scores++
				}
			}
			return nil
		})
	return n, err
}

// AssignedResponseID is the id given to a response whose source gave none: zero-padded so that
// text order is write order, as the tie rule of INSTRUMENTS.md §4 compares ids.
func AssignedResponseID(key int64) string { return fmt.Sprintf("pp-%010d", key) }
