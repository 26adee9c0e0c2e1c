package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The programme console's records: groups, sessions and attendance as admins and facilitators
// keep them while the service runs. The writer and the survey pages find new groups and
// sessions on their next miss, so nothing here needs to tell them.

// ErrNotFound is a group or session the console asked for that does not exist; ErrExists a
// group code already taken.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// GroupRecord is a group as the console shows it, with its delivery so far and response
// counts (never scores).
type GroupRecord struct {
	Group
	InviteToken    string
	Closed         bool
	SessionsHeld   int
	MinutesUsed    int
	Participants   int
	Pre, Post      int // participants with a pre (post) questionnaire
	Followup       int
	PulseResponses int
	PreWithoutPost int // pre codes with no post yet: whom a reminder is for
}

// GroupRecords lists groups by code; only those in codes when codes is not nil.
func (db *DB) GroupRecords(ctx context.Context, codes []string) ([]GroupRecord, error) {
	today := time.Now().UTC().Format(time.DateOnly)
	rows, err := db.sql.QueryContext(ctx, `WITH held AS (
			SELECT group_id, count(*) AS n, sum(facilitator_minutes) AS minutes FROM sessions
			WHERE session_date <= CAST(? AS DATE) GROUP BY group_id),
		resp AS (
			SELECT group_id,
				count(DISTINCT participant_id) FILTER (WHERE timepoint = 'pre') AS pre,
				count(DISTINCT participant_id) FILTER (WHERE timepoint = 'post') AS post,
				count(DISTINCT participant_id) FILTER (WHERE timepoint = 'followup') AS followup,
				count(*) FILTER (WHERE timepoint = 'session') AS pulse,
				count(DISTINCT participant_id) FILTER (WHERE timepoint = 'pre' AND participant_id NOT IN
					(SELECT participant_id FROM responses WHERE timepoint = 'post')) AS pre_only
			FROM responses GROUP BY group_id),
		people AS (SELECT group_id, count(*) AS n FROM participants GROUP BY group_id)
		SELECT g.group_code, g.name, g.modality, coalesce(g.region, ''), coalesce(g.profession, ''), coalesce(g.cadence, ''),
			coalesce(g.facilitator, ''), g.planned_sessions, g.facilitator_minutes_budget, g.capacity, g.invite_token,
			g.closed_at IS NOT NULL, coalesce(held.n, 0), coalesce(held.minutes, 0), coalesce(people.n, 0),
			coalesce(resp.pre, 0), coalesce(resp.post, 0), coalesce(resp.followup, 0), coalesce(resp.pulse, 0), coalesce(resp.pre_only, 0)
		FROM groups g LEFT JOIN held USING (group_id) LEFT JOIN resp USING (group_id) LEFT JOIN people USING (group_id)
		WHERE ? OR list_contains(CAST(? AS VARCHAR[]), g.group_code)
		ORDER BY g.group_code`, today, codes == nil, listArg(codes))
	if err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	defer rows.Close()
	var out []GroupRecord
	for rows.Next() {
		var g GroupRecord
		if err := rows.Scan(&g.Code, &g.Name, &g.Modality, &g.Region, &g.Profession, &g.Cadence, &g.Facilitator,
			&g.PlannedSessions, &g.FacilitatorMinutesBudget, &g.Capacity, &g.InviteToken, &g.Closed, &g.SessionsHeld,
			&g.MinutesUsed, &g.Participants, &g.Pre, &g.Post, &g.Followup, &g.PulseResponses, &g.PreWithoutPost); err != nil {
			return nil, fmt.Errorf("read groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// listArg passes a Go string slice as a DuckDB list literal parameter.
func listArg(codes []string) string {
	if codes == nil {
		codes = []string{}
	}
	b, _ := json.Marshal(codes) // a []string always marshals
	return string(b)
}

// GroupRecord returns one group; ErrNotFound if there is none with this code.
func (db *DB) GroupRecord(ctx context.Context, code string) (GroupRecord, error) {
	list, err := db.GroupRecords(ctx, []string{code})
	if err != nil {
		return GroupRecord{}, err
	}
	if len(list) == 0 {
		return GroupRecord{}, fmt.Errorf("group %q: %w", code, ErrNotFound)
	}
	return list[0], nil
}

// CreateGroup adds a group with a new invite token. The database's checks back up the
// caller's validation; a taken code is an error naming it.
func (db *DB) CreateGroup(ctx context.Context, g Group) error {
	var taken bool
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) > 0 FROM groups WHERE group_code = ?`, g.Code).Scan(&taken); err != nil {
		return fmt.Errorf("create group %s: %w", g.Code, err)
	}
	if taken {
		return fmt.Errorf("create group: a group with code %s %w", g.Code, ErrExists)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO groups (group_id, group_code, name, modality, region, profession, cadence,
			facilitator, planned_sessions, facilitator_minutes_budget, capacity, invite_token, created_at)
		VALUES (nextval('group_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.Code, g.Name, g.Modality, nullString(g.Region), nullString(g.Profession), nullString(g.Cadence), nullString(g.Facilitator),
		orDefault(g.PlannedSessions, 10), orDefault(g.FacilitatorMinutesBudget, 900), orDefault(g.Capacity, 12), newToken(), time.Now().UTC())
	if err != nil {
		return fmt.Errorf("create group %s: %w", g.Code, err)
	}
	return nil
}

// UpdateGroup changes a group's description; its code and invite link stay.
func (db *DB) UpdateGroup(ctx context.Context, code string, g Group) error {
	return db.execOne(ctx, "group "+code, `UPDATE groups SET name = ?, modality = ?, region = ?, profession = ?, cadence = ?,
			facilitator = ?, planned_sessions = ?, facilitator_minutes_budget = ?, capacity = ?
		WHERE group_code = ?`,
		g.Name, g.Modality, nullString(g.Region), nullString(g.Profession), nullString(g.Cadence), nullString(g.Facilitator),
		orDefault(g.PlannedSessions, 10), orDefault(g.FacilitatorMinutesBudget, 900), orDefault(g.Capacity, 12), code)
}

// CloseGroup stops a group taking new questionnaires; its data stay.
func (db *DB) CloseGroup(ctx context.Context, code string) error {
	return db.execOne(ctx, "group "+code, `UPDATE groups SET closed_at = coalesce(closed_at, ?) WHERE group_code = ?`, time.Now().UTC(), code)
}

func (db *DB) execOne(ctx context.Context, what, stmt string, args ...any) error {
	res, err := db.sql.ExecContext(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("change %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// SessionRecord is a session as the console shows it.
type SessionRecord struct {
	Session
	PulseToken string
	Attended   int // participants recorded as attending
	Recorded   bool
}

// SessionRecords lists a group's sessions in order.
func (db *DB) SessionRecords(ctx context.Context, groupCode string) ([]SessionRecord, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT s.session_no, s.session_date, s.duration_minutes, s.facilitator_minutes,
			coalesce(s.topic, ''), s.pulse_token,
			(SELECT count(*) FILTER (WHERE attended) FROM attendance a WHERE a.session_id = s.session_id),
			EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.session_id)
		FROM sessions s JOIN groups g USING (group_id) WHERE g.group_code = ? ORDER BY s.session_no`, groupCode)
	if err != nil {
		return nil, fmt.Errorf("read sessions of %s: %w", groupCode, err)
	}
	defer rows.Close()
	var out []SessionRecord
	for rows.Next() {
		s := SessionRecord{Session: Session{GroupCode: groupCode}}
		if err := rows.Scan(&s.No, &s.Date, &s.DurationMinutes, &s.FacilitatorMinutes, &s.Topic, &s.PulseToken, &s.Attended, &s.Recorded); err != nil {
			return nil, fmt.Errorf("read sessions of %s: %w", groupCode, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveSession records a new session (No 0: the next number) or changes an existing one, and
// returns its number.
func (db *DB) SaveSession(ctx context.Context, s Session) (int, error) {
	var gid int32
	if err := db.sql.QueryRowContext(ctx, `SELECT group_id FROM groups WHERE group_code = ?`, s.GroupCode).Scan(&gid); errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("group %s: %w", s.GroupCode, ErrNotFound)
	} else if err != nil {
		return 0, fmt.Errorf("save session of %s: %w", s.GroupCode, err)
	}
	duration := orDefault(s.DurationMinutes, 90)
	if s.No != 0 {
		return s.No, db.execOne(ctx, fmt.Sprintf("session %d of %s", s.No, s.GroupCode), `UPDATE sessions
			SET session_date = ?, duration_minutes = ?, facilitator_minutes = ?, topic = ? WHERE group_id = ? AND session_no = ?`,
			s.Date, duration, s.FacilitatorMinutes, nullString(s.Topic), gid, s.No)
	}
	var no int
	err := db.sql.QueryRowContext(ctx, `INSERT INTO sessions (session_id, group_id, session_no, session_date, duration_minutes,
			facilitator_minutes, topic, pulse_token)
		SELECT nextval('session_id_seq'), ?, coalesce(max(session_no), 0) + 1, ?, ?, ?, ?, ? FROM sessions WHERE group_id = ?
		RETURNING session_no`, gid, s.Date, duration, s.FacilitatorMinutes, nullString(s.Topic), newToken(), gid).Scan(&no)
	if err != nil {
		return 0, fmt.Errorf("add a session to %s: %w", s.GroupCode, err)
	}
	return no, nil
}

// Attendee is one participant code of a group and whether they attended a session.
type Attendee struct {
	Code     string
	Attended bool
}

// SessionAttendance lists every participant code of the group with their attendance at the
// session (false when not recorded).
func (db *DB) SessionAttendance(ctx context.Context, groupCode string, no int) ([]Attendee, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT p.code, coalesce(a.attended, false)
		FROM participants p JOIN groups g USING (group_id)
		JOIN sessions s ON s.group_id = g.group_id AND s.session_no = ?
		LEFT JOIN attendance a ON a.session_id = s.session_id AND a.participant_id = p.participant_id
		WHERE g.group_code = ? ORDER BY p.code`, no, groupCode)
	if err != nil {
		return nil, fmt.Errorf("read attendance of %s session %d: %w", groupCode, no, err)
	}
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.Code, &a.Attended); err != nil {
			return nil, fmt.Errorf("read attendance: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RecordAttendance sets who attended a session: every participant code of the group is
// recorded, present if in present, absent otherwise, in one transaction. Codes not in the
// group are an error naming them, and nothing is written.
func (db *DB) RecordAttendance(ctx context.Context, groupCode string, no int, present []string) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	var sid int32
	if err := tx.QueryRowContext(ctx, `SELECT s.session_id FROM sessions s JOIN groups g USING (group_id)
		WHERE g.group_code = ? AND s.session_no = ?`, groupCode, no).Scan(&sid); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("session %d of %s: %w", no, groupCode, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	var unknown []string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(list(c ORDER BY c), []) FROM unnest(CAST(? AS VARCHAR[])) t(c)
		WHERE c NOT IN (SELECT p.code FROM participants p JOIN groups g USING (group_id) WHERE g.group_code = ?)`,
		listArg(present), groupCode).Scan(&unknownList{&unknown}); err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("record attendance: %q are not codes of group %s", unknown, groupCode)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (session_id, participant_id, attended, recorded_at)
		SELECT ?, p.participant_id, list_contains(CAST(? AS VARCHAR[]), p.code), ?
		FROM participants p JOIN groups g USING (group_id) WHERE g.group_code = ?
		ON CONFLICT (session_id, participant_id) DO UPDATE SET attended = excluded.attended, recorded_at = excluded.recorded_at`,
		sid, listArg(present), time.Now().UTC(), groupCode); err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	return nil
}

// unknownList scans a DuckDB VARCHAR[] into a []string.
type unknownList struct{ dst *[]string }

func (u unknownList) Scan(src any) error {
	list, ok := src.([]any)
	if !ok && src != nil {
		return fmt.Errorf("want a list, got %T", src)
	}
	for _, v := range list {
		*u.dst = append(*u.dst, fmt.Sprint(v))
	}
	return nil
}
