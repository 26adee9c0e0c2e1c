package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// batchTimeout bounds one batch's database work; a stuck write must not hold every submitter.
const batchTimeout = 30 * time.Second

// store writes a batch's responses and the participants registered in it. A participant
// introduced by a response needs no write of its own: the response row carries its code
// (migration 3), so the usual batch is one execution of the prepared responses insert, committed
// on its own: one WAL write and one fsync. Only a batch that also registers codes
// (RegisterParticipant) appends to
// participant_codes too, and then both go in one explicit transaction, so that a response is
// never committed without a participant it uses, nor a participant left behind by failed
// responses.
// Ids are taken before the transaction opens: a pool refill must commit on its own, because
// a sequence advanced inside a transaction that rolls back is not logged, and a restart could
// hand the same ids out again. The cache gets the new ids at once; writeBatch removes them
// again if the batch fails.
func (w *Writer) store(ctx context.Context, registered, introduced []participantKey, rows []responseRow) (err error) {
	ids, err := w.participantIDs.take(ctx, w, len(registered)+len(introduced))
	if err != nil {
		return err
	}
	keys, err := w.responseKeys.take(ctx, w, len(rows))
	if err != nil {
		return err
	}
	for i, k := range append(registered[:len(registered):len(registered)], introduced...) {
		w.participants[k] = int32(ids[i])
	}
	w.personIDs(rows)
	tx := len(registered) > 0 && len(rows) > 0
	if tx {
		if _, err = w.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			return fmt.Errorf("writer: begin: %w", err)
		}
		defer func() {
			if err != nil {
				_, _ = w.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			}
		}()
	}
	if err = w.appendParticipants(ctx, registered, ids); err != nil {
		return err
	}
	if err = w.responses.insert(ctx, rows, keys); err != nil {
		return err
	}
	if tx {
		if _, err = w.conn.ExecContext(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("writer: commit: %w", err)
		}
	}
	return nil
}

// personIDs sets each row's participant id from the cache, once new participants have ids.
func (w *Writer) personIDs(rows []responseRow) {
	for i := range rows {
		rows[i].person = w.participants[participantKey{rows[i].group, rows[i].ParticipantCode}]
	}
}

// writeBatch writes the jobs and returns one result per job: all of the batch's new
// participants and responses commit together (see store), or none do.
// An error means no response of the batch was stored; per-job refusals are results.
func (w *Writer) writeBatch(batch []*job) (results []jobResult, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	results = make([]jobResult, len(batch))
	previous, err := w.storedClients(ctx, batch)
	if err != nil {
		return nil, err
	}
	var rows []responseRow
	rowOf := make([]int, len(batch))           // index into rows, or -1, or -2-leader for a repeat
	leader := make(map[string]int, len(batch)) // client id → first job in this batch carrying it
	var registered, introduced []participantKey
	for i, j := range batch {
		rowOf[i] = -1
		gid, gerr := w.group(ctx, j.groupCode)
		if gerr != nil {
			results[i].err = gerr
			continue
		}
		if j.participant != nil {
			k := participantKey{gid, j.participant.code}
			if _, exists := w.participant(k); exists {
				results[i].err = ErrCodeTaken
				continue
			}
			w.participants[k] = 0 // claimed in this batch; store sets the id
			registered = append(registered, k)
			continue
		}
		r := j.response
		if st, ok := previous[r.ClientID]; ok && r.ClientID != "" {
			results[i].stored = st
			continue
		}
		if first, ok := leader[r.ClientID]; ok && r.ClientID != "" {
			rowOf[i] = -2 - first
			continue
		}
		row, k, isNew, rerr := w.resolve(ctx, gid, r)
		if rerr != nil {
			results[i].err = rerr
			continue
		}
		row.answersJSON = j.answersJSON
		if r.ClientID != "" {
			leader[r.ClientID] = i
		}
		if isNew {
			w.participants[k] = 0
			introduced = append(introduced, k)
			row.introduces = true
		}
		rowOf[i] = len(rows)
		rows = append(rows, row)
	}
	if err = w.store(ctx, registered, introduced, rows); err != nil {
		for _, k := range append(registered, introduced...) {
			delete(w.participants, k)
		}
		return nil, err
	}
	for _, r := range rows {
		if r.ClientID != "" {
			w.clients[clientHash(r.ClientID)] = struct{}{}
		}
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
	_, exists := w.participant(k)
	if n := utf8.RuneCountInString(k.code); !exists && (n < 1 || n > 64) {
		// participant_codes checks this itself; a code introduced in a response row is checked here.
		return row, k, false, fmt.Errorf("%w: %d characters", ErrCodeLength, n)
	}
	return row, k, !exists, nil
}

// storedClients finds the batch's client ids that were stored before, with their original
// results. The writer keeps a hash of every stored client id in memory, so only a hash hit (a
// real retry, or a 2⁻⁶⁴ collision) costs a query.
func (w *Writer) storedClients(ctx context.Context, batch []*job) (map[string]Stored, error) {
	var found map[string]Stored // nil (and read as empty) unless a client id was seen before
	for _, j := range batch {
		if j.response == nil || j.response.ClientID == "" {
			continue
		}
		if _, seen := w.clients[clientHash(j.response.ClientID)]; !seen {
			continue
		}
		st, ok, err := w.lookupClient(ctx, j.response.ClientID)
		if err != nil {
			return nil, err
		}
		if ok {
			if found == nil {
				found = map[string]Stored{}
			}
			found[j.response.ClientID] = st
		}
	}
	return found, nil
}

// lookupClient reads a stored response back, for the original result: its stored scores, and
// which scales it has with how many items each had answered (from rescoring its answers).
func (w *Writer) lookupClient(ctx context.Context, client string) (Stored, bool, error) {
	names := w.db.layout.scoreColumns()
	q := `SELECT response_id, timepoint, answers, coalesce(texts, '{}'), ` + strings.Join(names, ", ") + ` FROM responses WHERE client_id = ? LIMIT 1`
	var id, tp, answers, texts string
	cells := make([]sql.NullFloat64, len(names))
	dest := []any{&id, &tp, &answers, &texts}
	for i := range cells {
		dest = append(dest, &cells[i])
	}
	err := w.conn.QueryRowContext(ctx, q, client).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, false, nil
	}
	if err != nil {
		return Stored{}, false, fmt.Errorf("writer: look up client id: %w", err)
	}
	r := Response{Timepoint: tp}
	if err := errors.Join(json.Unmarshal([]byte(answers), &r.Answers), json.Unmarshal([]byte(texts), &r.Texts)); err != nil {
		return Stored{}, false, fmt.Errorf("writer: read back %s: %w", id, err)
	}
	sc, err := Score(w.db.set, r)
	if err != nil {
		return Stored{}, false, fmt.Errorf("writer: rescore %s: %w", id, err)
	}
	// The stored scores are the truth: the instruments may have changed since.
	for i := range sc.Scales {
		at := slices.Index(w.db.layout.scales, sc.Scales[i].Scale)
		sc.Scales[i].Valid = at >= 0 && cells[at].Valid
		sc.Scales[i].Score = 0
		if sc.Scales[i].Valid {
			sc.Scales[i].Score = cells[at].Float64
		}
	}
	return Stored{ResponseID: id, Duplicate: true, Scales: sc.Scales}, true, nil
}

// clientHash keys the in-memory set of stored client ids: 8 bytes each, so even 10⁶
// submissions cost a few tens of megabytes.
func clientHash(client string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(client))
	return h.Sum64()
}

// loadClients reads the hash of every stored client id, once at start.
func (w *Writer) loadClients(ctx context.Context) error {
	err := scanRows(ctx, w.conn, `SELECT client_id FROM responses WHERE client_id IS NOT NULL`, func(r *sql.Rows) error {
		var client string
		err := r.Scan(&client)
		w.clients[clientHash(client)] = struct{}{}
		return err
	})
	if err != nil {
		return fmt.Errorf("writer: load client ids: %w", err)
	}
	return nil
}

// loadDirectory reads every group, session and participant id into the writer's caches.
func (w *Writer) loadDirectory(ctx context.Context) error {
	d, err := readDirectory(ctx, w.conn)
	if err != nil {
		return fmt.Errorf("writer: %w", err)
	}
	w.groups, w.sessions, w.participants = d.groups, d.sessions, d.participants
	return nil
}

// ErrUnknownGroup and ErrUnknownSession are job results for records that do not exist;
// ErrCodeLength is the result for a participant code that is empty or over 64 characters.
var (
	ErrCodeLength     = errors.New("a participant code has 1 to 64 characters")
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
	claimed := w.participants
	if err := w.loadDirectory(ctx); err != nil {
		w.participants = claimed
		return err
	}
	// Participants claimed in the open batch have id 0 and are not in the database yet.
	for k, id := range claimed {
		if id == 0 {
			w.participants[k] = 0
		}
	}
	return nil
}

// participant tells whether (group, code) exists. The cache is authoritative: it was loaded
// whole at start, and while the server holds the file every participant is created through this
// writer (the one-writer rule), so a miss needs no query.
func (w *Writer) participant(k participantKey) (int32, bool) {
	id, ok := w.participants[k]
	return id, ok
}
