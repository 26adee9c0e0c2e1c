package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"fmt"
	"sort"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// LoadResult counts what Load wrote.
type LoadResult struct {
	Groups, Sessions, Participants, Attendance, Responses, Answers, Scores int
}

// Load writes a batch in one transaction with DuckDB's Appender: new groups and sessions get
// fresh invite tokens, participants referenced by attendance or responses are created when
// missing, and every response is scored with set. Any error rolls the whole batch back.
func (db *DB) Load(ctx context.Context, set *instrument.Set, b *Batch) (res LoadResult, err error) {
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
	l := &loader{ctx: ctx, conn: conn, set: set, now: time.Now().UTC()}
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
	ctx          context.Context
	conn         *sql.Conn
	set          *instrument.Set
	now          time.Time
	res          LoadResult
	groupIDs     map[string]int32
	sessionIDs   map[sessionKey]int32
	participants map[participantKey]int32
}

type sessionKey struct {
	group int32
	no    int
}

type participantKey struct {
	group int32
	code  string
}

// reserve takes n consecutive-or-not but unique ids from a sequence in one statement, because
// the Appender cannot evaluate a sequence default.
func (l *loader) reserve(seq string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	rows, err := l.conn.QueryContext(l.ctx, fmt.Sprintf("SELECT nextval('%s') FROM range(?)", seq), n)
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
// produces and closes it, so rows land inside the open transaction.
func (l *loader) appendRows(table string, columns []string, emit func(add func(...driver.Value) error) error) error {
	return l.conn.Raw(func(dc any) error {
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

func (l *loader) groups(b *Batch) error {
	existing, err := l.groupIDsByCode()
	if err != nil {
		return err
	}
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

func (l *loader) groupIDsByCode() (map[string]int32, error) {
	rows, err := l.conn.QueryContext(l.ctx, `SELECT group_code, group_id FROM groups`)
	if err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	defer rows.Close()
	m := map[string]int32{}
	for rows.Next() {
		var code string
		var id int32
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		m[code] = id
	}
	return m, rows.Err()
}

func (l *loader) group(code string) (int32, error) {
	if id, ok := l.groupIDs[code]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("unknown group %q", code)
}

func (l *loader) sessions(b *Batch) error {
	rows, err := l.conn.QueryContext(l.ctx, `SELECT group_id, session_no, session_id FROM sessions`)
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	l.sessionIDs = map[sessionKey]int32{}
	for rows.Next() {
		var k sessionKey
		var id int32
		if err := rows.Scan(&k.group, &k.no, &id); err != nil {
			rows.Close()
			return err
		}
		l.sessionIDs[k] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
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
	rows, err := l.conn.QueryContext(l.ctx, `SELECT group_id, code, participant_id FROM participants`)
	if err != nil {
		return fmt.Errorf("read participants: %w", err)
	}
	l.participants = map[participantKey]int32{}
	for rows.Next() {
		var k participantKey
		var id int32
		if err := rows.Scan(&k.group, &k.code, &id); err != nil {
			rows.Close()
			return err
		}
		l.participants[k] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
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
	return l.appendRows("participants", []string{"participant_id", "group_id", "code", "created_at"},
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

// scored is a response with its ids resolved and its scales computed, ready to append.
type scored struct {
	key      int64
	id       string
	group    int32
	person   int32
	session  any
	versions string
	scores   []scaleRow
}

type scaleRow struct {
	scale, instrument, version string
	score                      any
	answered                   int16
}

func (l *loader) responses(b *Batch) error {
	keys, err := l.reserve("response_key_seq", len(b.Responses))
	if err != nil {
		return err
	}
	prepared := make([]scored, len(b.Responses))
	for i := range b.Responses {
		if prepared[i], err = l.prepare(&b.Responses[i], keys[i]); err != nil {
			return err
		}
	}
	cols := []string{"response_key", "response_id", "client_id", "group_id", "participant_id", "timepoint",
		"session_id", "submitted_at", "source", "profession", "career_stage", "instrument_versions"}
	err = l.appendRows("responses", cols, func(add func(...driver.Value) error) error {
		for i, r := range b.Responses {
			p := prepared[i]
			if err := add(p.key, p.id, nullString(r.ClientID), p.group, p.person, r.Timepoint, p.session,
				r.SubmittedAt.UTC(), r.Source, nullString(r.Profession), nullString(r.CareerStage), p.versions); err != nil {
				return fmt.Errorf("response %s: %w", p.id, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.appendRows("answers", []string{"response_key", "item_id", "code"}, func(add func(...driver.Value) error) error {
		for i, r := range b.Responses {
			for _, item := range sortedKeys(r.Answers) {
				if err := add(prepared[i].key, item, int8(r.Answers[item])); err != nil {
					return fmt.Errorf("response %s item %s: %w", prepared[i].id, item, err)
				}
				l.res.Answers++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.appendRows("text_answers", []string{"response_key", "field_id", "value"}, func(add func(...driver.Value) error) error {
		for i, r := range b.Responses {
			for _, field := range sortedKeys(r.Texts) {
				if err := add(prepared[i].key, field, r.Texts[field]); err != nil {
					return fmt.Errorf("response %s field %s: %w", prepared[i].id, field, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.res.Responses = len(b.Responses)
	return l.appendRows("scale_scores", []string{"response_key", "scale", "score", "answered", "instrument", "instrument_version"},
		func(add func(...driver.Value) error) error {
			for _, p := range prepared {
				for _, s := range p.scores {
					if err := add(p.key, s.scale, s.score, s.answered, s.instrument, s.version); err != nil {
						return fmt.Errorf("response %s scale %s: %w", p.id, s.scale, err)
					}
					l.res.Scores++
				}
			}
			return nil
		})
}

// prepare resolves a response's ids and scores every instrument it answered at least one item of.
func (l *loader) prepare(r *Response, key int64) (scored, error) {
	p := scored{key: key, id: r.ResponseID}
	if p.id == "" {
		// Zero-padded so that text order is submission order, as the tie rule of INSTRUMENTS.md §4 compares ids.
		p.id = fmt.Sprintf("pp-%010d", key)
	}
	gid, err := l.group(r.GroupCode)
	if err != nil {
		return p, fmt.Errorf("response %s: %w", p.id, err)
	}
	p.group, p.person = gid, l.participants[participantKey{gid, r.ParticipantCode}]
	if r.Timepoint == "session" {
		sid, ok := l.sessionIDs[sessionKey{gid, r.SessionNo}]
		if !ok {
			return p, fmt.Errorf("response %s: group %s has no session %d", p.id, r.GroupCode, r.SessionNo)
		}
		p.session = sid
	}
	byInstrument := map[string]map[string]int{}
	for item, code := range r.Answers {
		in, _, ok := l.set.Item(item)
		if !ok {
			return p, fmt.Errorf("response %s: unknown item %q", p.id, item)
		}
		if byInstrument[in.ID] == nil {
			byInstrument[in.ID] = map[string]int{}
		}
		byInstrument[in.ID][item] = code
	}
	if len(byInstrument) == 0 && len(r.Texts) == 0 {
		return p, fmt.Errorf("response %s: no answered item", p.id)
	}
	var versions []string
	for _, id := range sortedKeys(byInstrument) {
		in, _ := l.set.Get(id)
		scores, err := in.Score(byInstrument[id])
		if err != nil {
			return p, fmt.Errorf("response %s: %w", p.id, err)
		}
		versions = append(versions, in.ID+"@"+in.Version)
		for _, s := range scores {
			row := scaleRow{scale: s.Scale, instrument: in.ID, version: in.Version, answered: int16(s.Answered)}
			if s.Valid {
				row.score = s.Value
			}
			p.scores = append(p.scores, row)
		}
	}
	p.versions = strings.Join(versions, " ")
	return p, nil
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
