package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// batchTimeout bounds one transaction; a stuck write must not hold every submitter forever.
const batchTimeout = 30 * time.Second

// writeBatch writes the jobs in one transaction and returns one result per job. An error means
// nothing of the batch was committed; per-job refusals (a taken code) are results, not errors.
func (w *Writer) writeBatch(batch []*job) (results []jobResult, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	tc := &txConn{ctx: ctx, conn: w.conn}
	if _, err := w.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("writer: begin: %w", err)
	}
	var added []participantKey // cache entries to forget if the transaction fails
	defer func() {
		if err != nil {
			_, _ = w.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			for _, k := range added {
				delete(w.participants, k)
			}
		}
	}()
	results = make([]jobResult, len(batch))
	previous, err := w.storedClients(tc, batch)
	if err != nil {
		return nil, err
	}
	var rows []responseRow
	rowOf := make([]int, len(batch)) // index into rows, or -1
	leader := map[string]int{}       // client id → first job in this batch carrying it
	var fresh []participantKey
	for i, j := range batch {
		rowOf[i] = -1
		gid, gerr := w.group(ctx, j.groupCode)
		if gerr != nil {
			results[i].err = gerr
			continue
		}
		if j.participant != nil {
			k := participantKey{gid, j.participant.code}
			if _, exists, perr := w.participant(ctx, k); perr != nil {
				return nil, perr
			} else if exists {
				results[i].err = ErrCodeTaken
				continue
			}
			w.participants[k] = 0 // claimed in this batch; the id is set below
			added = append(added, k)
			fresh = append(fresh, k)
			continue
		}
		r := j.response
		if st, ok := previous[r.ClientID]; ok && r.ClientID != "" {
			results[i].stored = st
			continue
		}
		if first, ok := leader[r.ClientID]; ok && r.ClientID != "" {
			rowOf[i] = -2 - first // answered from its leader after the write
			continue
		}
		row, k, isNew, rerr := w.resolve(ctx, gid, r)
		if rerr != nil {
			results[i].err = rerr
			continue
		}
		if r.ClientID != "" {
			leader[r.ClientID] = i
		}
		if isNew {
			w.participants[k] = 0
			added = append(added, k)
			fresh = append(fresh, k)
		}
		rowOf[i] = len(rows)
		rows = append(rows, row)
	}
	if err = w.createParticipants(tc, fresh); err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].person = w.participants[participantKey{rows[i].group, rows[i].ParticipantCode}]
	}
	if _, err = tc.writeResponses(rows); err != nil {
		return nil, err
	}
	if _, err = w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("writer: commit: %w", err)
	}
	for i := range batch {
		switch at := rowOf[i]; {
		case at >= 0:
			results[i].stored = Stored{ResponseID: rows[at].ResponseID, Scales: rows[at].Scales}
		case at <= -2:
			st := results[-2-at].stored
			st.Duplicate = true
			results[i].stored = st
		}
	}
	return results, nil
}

// resolve turns a scored response into a row, telling whether its participant is new.
func (w *Writer) resolve(ctx context.Context, gid int32, r *Scored) (responseRow, participantKey, bool, error) {
	row := responseRow{Scored: *r, group: gid}
	if r.Timepoint == "session" {
		sid, err := w.session(ctx, sessionKey{gid, r.SessionNo})
		if err != nil {
			return row, participantKey{}, false, err
		}
		row.session = sid
	}
	k := participantKey{gid, r.ParticipantCode}
	_, exists, err := w.participant(ctx, k)
	return row, k, !exists, err
}

func (w *Writer) createParticipants(tc *txConn, keys []participantKey) error {
	ids, err := tc.reserve("participant_id_seq", len(keys))
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return tc.appendRows("participants", []string{"participant_id", "group_id", "code", "created_at"},
		func(add func(...driver.Value) error) error {
			for i, k := range keys {
				w.participants[k] = int32(ids[i])
				if err := add(int32(ids[i]), k.group, k.code, now); err != nil {
					return fmt.Errorf("participant: %w", err)
				}
			}
			return nil
		})
}

// storedClients finds the batch's client ids that were stored before, with their results.
func (w *Writer) storedClients(tc *txConn, batch []*job) (map[string]Stored, error) {
	var ids []any
	for _, j := range batch {
		if j.response != nil && j.response.ClientID != "" {
			ids = append(ids, j.response.ClientID)
		}
	}
	found := map[string]Stored{}
	if len(ids) == 0 {
		return found, nil
	}
	q := `SELECT r.client_id, r.response_id, s.scale, s.score, s.answered, s.instrument, s.instrument_version
		FROM responses r LEFT JOIN scale_scores s USING (response_key)
		WHERE r.client_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `) ORDER BY r.response_key, s.rowid`
	rows, err := tc.conn.QueryContext(tc.ctx, q, ids...)
	if err != nil {
		return nil, fmt.Errorf("writer: look up client ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var client, id string
		var scale, instrument, version sql.NullString
		var score sql.NullFloat64
		var answered sql.NullInt64
		if err := rows.Scan(&client, &id, &scale, &score, &answered, &instrument, &version); err != nil {
			return nil, err
		}
		st := found[client]
		st.ResponseID, st.Duplicate = id, true
		if scale.Valid {
			st.Scales = append(st.Scales, ScaleScore{Scale: scale.String, Instrument: instrument.String, Version: version.String,
				Score: score.Float64, Valid: score.Valid, Answered: int(answered.Int64)})
		}
		found[client] = st
	}
	return found, rows.Err()
}

// loadDirectory reads every group, session and participant id into the writer's caches.
func (w *Writer) loadDirectory(ctx context.Context) error {
	w.groups = map[string]int32{}
	w.sessions = map[sessionKey]int32{}
	queries := []struct {
		sql  string
		scan func(*sql.Rows) error
	}{
		{`SELECT group_code, group_id FROM groups`, func(r *sql.Rows) error {
			var code string
			var id int32
			err := r.Scan(&code, &id)
			w.groups[code] = id
			return err
		}},
		{`SELECT group_id, session_no, session_id FROM sessions`, func(r *sql.Rows) error {
			var k sessionKey
			var id int32
			err := r.Scan(&k.group, &k.no, &id)
			w.sessions[k] = id
			return err
		}},
		{`SELECT group_id, code, participant_id FROM participants`, func(r *sql.Rows) error {
			var k participantKey
			var id int32
			err := r.Scan(&k.group, &k.code, &id)
			w.participants[k] = id
			return err
		}},
	}
	for _, q := range queries {
		rows, err := w.conn.QueryContext(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("writer: load directory: %w", err)
		}
		for rows.Next() {
			if err := q.scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("writer: load directory: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("writer: load directory: %w", err)
		}
	}
	return nil
}

// ErrUnknownGroup and ErrUnknownSession are job results for records that do not exist.
var (
	ErrUnknownGroup   = errors.New("unknown group")
	ErrUnknownSession = errors.New("unknown session")
)

// group finds a group's id, re-reading the directory once on a miss: groups are added while
// the service runs.
func (w *Writer) group(ctx context.Context, code string) (int32, error) {
	if id, ok := w.groups[code]; ok {
		return id, nil
	}
	if err := w.reloadProgramme(ctx); err != nil {
		return 0, err
	}
	if id, ok := w.groups[code]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("%w %q", ErrUnknownGroup, code)
}

func (w *Writer) session(ctx context.Context, k sessionKey) (int32, error) {
	if id, ok := w.sessions[k]; ok {
		return id, nil
	}
	if err := w.reloadProgramme(ctx); err != nil {
		return 0, err
	}
	if id, ok := w.sessions[k]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("%w %d", ErrUnknownSession, k.no)
}

func (w *Writer) reloadProgramme(ctx context.Context) error {
	participants := w.participants
	err := w.loadDirectory(ctx)
	// Participants claimed in the open batch have id 0 and are not in the database yet.
	for k, id := range participants {
		if id == 0 {
			w.participants[k] = 0
		}
	}
	return err
}

// participant tells whether (group, code) exists, asking the database on a cache miss because
// other paths (attendance entry, imports through the server) also create participants.
func (w *Writer) participant(ctx context.Context, k participantKey) (int32, bool, error) {
	if id, ok := w.participants[k]; ok {
		return id, true, nil
	}
	var id int32
	err := w.conn.QueryRowContext(ctx, `SELECT participant_id FROM participants WHERE group_id = ? AND code = ?`, k.group, k.code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("writer: look up participant: %w", err)
	}
	w.participants[k] = id
	return id, true, nil
}
