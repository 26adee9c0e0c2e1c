package ingest

import (
	"context"
	"database/sql/driver"

	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// LoadResult counts what Load wrote.
type LoadResult struct {
	Groups, Sessions, Participants, Attendance, Responses int
	Answers                                               int // answered items
	Scores                                                int // valid scale scores
}

// Load writes a batch in one transaction with DuckDB's Appender: new groups and sessions get
// fresh invite tokens, participants referenced by attendance or responses are created when
// missing, and every response is scored with set. Any error rolls the whole batch back.
func (db *DB) Load(ctx context.Context, set *instrument.Set, b *Batch) (res LoadResult, err error) {
	defer db.Parallel(ctx)()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("load: connect: %w", err)
	}
	defer conn.Close()
	if _, err = conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return res, fmt.Errorf("load: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	l := &loader{txConn: &txConn{ctx: ctx, conn: conn}, layout: db.layout, set: set, now: time.Now().UTC()}
	steps := []func(*Batch) error{l.groups, l.sessions, l.createParticipants, l.attendance, l.responses}
	for _, key := range sortedKeys(b.Settings) {
		if err = setSetting(ctx, conn, key, b.Settings[key]); err != nil {
			return res, err
		}
	}
	for _, step := range steps {
		if err = step(b); err != nil {
			return res, err
		}
	}
	if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
		return res, fmt.Errorf("load: commit: %w", err)
	}
	return l.res, nil
}

// loader holds one Load's transaction and the ids it has resolved so far.
type loader struct {
	*txConn
	layout       layout
	set          *instrument.Set
	now          time.Time
	res          LoadResult
	groupIDs     map[string]int32
	sessionIDs   map[sessionKey]int32
	participants map[participantKey]int32
}

func (l *loader) groups(b *Batch) error {
	d, err := readDirectory(l.ctx, l.conn)
	if err != nil {
		return err
	}
	existing := d.groups
	l.sessionIDs, l.participants = d.sessions, d.participants
	seen := map[string]bool{}
	for i, g := range b.Groups {
		if existing[g.Code] != 0 || seen[g.Code] {
			return fmt.Errorf("group %d (%s): a group with this code already exists", i+1, g.Code)
		}
		seen[g.Code] = true
	}
	ids, err := l.reserve("group_id_seq", len(b.Groups))
	if err != nil {
		return err
	}
	cols := []string{"group_id", "group_code", "name", "modality", "region", "profession", "cadence",
		"facilitator", "planned_sessions", "facilitator_minutes_budget", "capacity", "invite_token", "created_at"}
	err = l.appendRows("groups", cols, func(add func(...driver.Value) error) error {
		for i, g := range b.Groups {
			if err := add(int32(ids[i]), g.Code, g.Name, g.Modality, nullString(g.Region), nullString(g.Profession),
				nullString(g.Cadence), nullString(g.Facilitator), int32(orDefault(g.PlannedSessions, 10)),
				int32(orDefault(g.FacilitatorMinutesBudget, 900)), int32(orDefault(g.Capacity, 12)), newToken(), l.now); err != nil {
				return fmt.Errorf("group %s: %w", g.Code, err)
			}
			existing[g.Code] = int32(ids[i])
		}
		return nil
	})
	l.groupIDs = existing
	l.res.Groups = len(b.Groups)
	return err
}

func (l *loader) group(code string) (int32, error) {
	if id, ok := l.groupIDs[code]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("unknown group %q", code)
}

func (l *loader) sessions(b *Batch) error {
	ids, err := l.reserve("session_id_seq", len(b.Sessions))
	if err != nil {
		return err
	}
	cols := []string{"session_id", "group_id", "session_no", "session_date", "duration_minutes",
		"facilitator_minutes", "topic", "pulse_token"}
	l.res.Sessions = len(b.Sessions)
	return l.appendRows("sessions", cols, func(add func(...driver.Value) error) error {
		for i, s := range b.Sessions {
			gid, err := l.group(s.GroupCode)
			if err != nil {
				return fmt.Errorf("session %d of %s: %w", s.No, s.GroupCode, err)
			}
			k := sessionKey{gid, s.No}
			if _, dup := l.sessionIDs[k]; dup {
				return fmt.Errorf("session %d of %s: already recorded", s.No, s.GroupCode)
			}
			duration := orDefault(s.DurationMinutes, 90)
			facMinutes := s.FacilitatorMinutes
			if facMinutes == 0 {
				facMinutes = duration
			}
			if err := add(int32(ids[i]), gid, int32(s.No), s.Date, int32(duration), int32(facMinutes),
				nullString(s.Topic), newToken()); err != nil {
				return fmt.Errorf("session %d of %s: %w", s.No, s.GroupCode, err)
			}
			l.sessionIDs[k] = int32(ids[i])
		}
		return nil
	})
}

// createParticipants creates every (group, code) that attendance or responses mention and the
// database does not hold yet.
func (l *loader) createParticipants(b *Batch) error {
	var missing []participantKey
	need := func(group, code string) error {
		gid, err := l.group(group)
		if err != nil {
			return err
		}
		k := participantKey{gid, code}
		if _, ok := l.participants[k]; !ok {
			l.participants[k] = 0
			missing = append(missing, k)
		}
		return nil
	}
	for _, a := range b.Attendance {
		if err := need(a.GroupCode, a.ParticipantCode); err != nil {
			return fmt.Errorf("attendance of %s: %w", a.ParticipantCode, err)
		}
	}
	for _, r := range b.Responses {
		if err := need(r.GroupCode, r.ParticipantCode); err != nil {
			return fmt.Errorf("response %s: %w", r.ResponseID, err)
		}
	}
	ids, err := l.reserve("participant_id_seq", len(missing))
	if err != nil {
		return err
	}
	l.res.Participants = len(missing)
	return l.appendRows("participant_codes", []string{"participant_id", "group_id", "code", "created_at"},
		func(add func(...driver.Value) error) error {
			for i, k := range missing {
				l.participants[k] = int32(ids[i])
				if err := add(int32(ids[i]), k.group, k.code, l.now); err != nil {
					return fmt.Errorf("participant %s: %w", k.code, err)
				}
			}
			return nil
		})
}

func (l *loader) attendance(b *Batch) error {
	l.res.Attendance = len(b.Attendance)
	return l.appendRows("attendance", []string{"session_id", "participant_id", "attended", "recorded_at"},
		func(add func(...driver.Value) error) error {
			for _, a := range b.Attendance {
				gid := l.groupIDs[a.GroupCode]
				sid, ok := l.sessionIDs[sessionKey{gid, a.SessionNo}]
				if !ok {
					return fmt.Errorf("attendance of %s: group %s has no session %d", a.ParticipantCode, a.GroupCode, a.SessionNo)
				}
				if err := add(sid, l.participants[participantKey{gid, a.ParticipantCode}], a.Attended, l.now); err != nil {
					return fmt.Errorf("attendance of %s at session %d: %w", a.ParticipantCode, a.SessionNo, err)
				}
			}
			return nil
		})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (l *loader) responses(b *Batch) error {
	if err := l.uniqueResponseIDs(b.Responses); err != nil {
		return err
	}
	rows := make([]responseRow, len(b.Responses))
	// Scoring is pure and the costliest step of a large import, so it runs on every core.
	if err := parallel(len(b.Responses), func(i int) error {
		sc, err := Score(l.set, b.Responses[i])
		rows[i].Scored = sc
		rows[i].answersJSON = l.layout.answersJSON(sc.Answers)
		return err
	}); err != nil {
		return err
	}
	for i := range rows {
		r := &b.Responses[i]
		gid, err := l.group(r.GroupCode)
		if err != nil {
			return fmt.Errorf("response %s: %w", r.ResponseID, err)
		}
		rows[i].group, rows[i].person = gid, l.participants[participantKey{gid, r.ParticipantCode}]
		if r.Timepoint == "session" {
			sid, ok := l.sessionIDs[sessionKey{gid, r.SessionNo}]
			if !ok {
				return fmt.Errorf("response %s: group %s has no session %d", r.ResponseID, r.GroupCode, r.SessionNo)
			}
			rows[i].session = sid
		}
	}
	l.res.Responses = len(rows)
	for _, r := range rows {
		l.res.Answers += len(r.Answers)
		for _, s := range r.Scales {
			if s.Valid {
				l.res.Scores++
			}
		}
	}
	return l.writeResponses(l.layout, rows)
}

// parallel runs f(0..n-1) on every core; any error is returned (one of them when several fail).
func parallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/1024))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := f(i); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// uniqueResponseIDs refuses a batch whose given response ids repeat, within itself or against
// the stored ones: the responses table has no index to do it (see schema.go).
func (l *loader) uniqueResponseIDs(responses []Response) error {
	given := map[string]int{}
	for i, r := range responses {
		if r.ResponseID == "" {
			continue
		}
		if first, dup := given[r.ResponseID]; dup {
			return fmt.Errorf("response %s: the id is given twice (responses %d and %d)", r.ResponseID, first+1, i+1)
		}
		given[r.ResponseID] = i
	}
	if len(given) == 0 {
		return nil
	}
	rows, err := l.conn.QueryContext(l.ctx, `SELECT response_id FROM responses`)
	if err != nil {
		return fmt.Errorf("read response ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if _, dup := given[id]; dup {
			return fmt.Errorf("response %s: a response with this id is already stored", id)
		}
	}
	return rows.Err()
}
