package importer

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// existing is what the database already holds, for the idempotence and reference checks.
type existing struct {
	groups     map[string]ingest.Group
	sessions   map[sessionKey]ingest.Session
	attendance map[attendanceKey]bool
	responses  map[string]string // response_id → content fingerprint
}

type sessionKey struct {
	group string
	no    int
}

type attendanceKey struct {
	group string
	no    int
	code  string
}

func readExisting(ctx context.Context, db *ingest.DB, withResponses bool) (*existing, error) {
	e := &existing{groups: map[string]ingest.Group{}, sessions: map[sessionKey]ingest.Session{},
		attendance: map[attendanceKey]bool{}, responses: map[string]string{}}
	queries := []struct {
		q    string
		scan func(*sql.Rows) error
	}{
		{`SELECT group_code, name, modality, coalesce(region, ''), coalesce(profession, ''), coalesce(cadence, ''),
			coalesce(facilitator, ''), planned_sessions, facilitator_minutes_budget, capacity FROM groups`, func(r *sql.Rows) error {
			var g ingest.Group
			err := r.Scan(&g.Code, &g.Name, &g.Modality, &g.Region, &g.Profession, &g.Cadence, &g.Facilitator,
				&g.PlannedSessions, &g.FacilitatorMinutesBudget, &g.Capacity)
			e.groups[g.Code] = g
			return err
		}},
		{`SELECT g.group_code, s.session_no, s.session_date, s.duration_minutes, s.facilitator_minutes, coalesce(s.topic, '')
			FROM sessions s JOIN groups g USING (group_id)`, func(r *sql.Rows) error {
			var s ingest.Session
			err := r.Scan(&s.GroupCode, &s.No, &s.Date, &s.DurationMinutes, &s.FacilitatorMinutes, &s.Topic)
			s.Date = s.Date.UTC()
			e.sessions[sessionKey{s.GroupCode, s.No}] = s
			return err
		}},
		{`SELECT g.group_code, s.session_no, p.code, a.attended FROM attendance a JOIN sessions s USING (session_id)
			JOIN groups g ON g.group_id = s.group_id JOIN participants p ON p.participant_id = a.participant_id`, func(r *sql.Rows) error {
			var k attendanceKey
			var attended bool
			err := r.Scan(&k.group, &k.no, &k.code, &attended)
			e.attendance[k] = attended
			return err
		}},
	}
	if withResponses {
		queries = append(queries, struct {
			q    string
			scan func(*sql.Rows) error
		}{fingerprintSQL, func(r *sql.Rows) error {
			var id, fp string
			err := r.Scan(&id, &fp)
			e.responses[id] = fp
			return err
		}})
	}
	for _, q := range queries {
		rows, err := db.SQL().QueryContext(ctx, q.q)
		if err != nil {
			return nil, fmt.Errorf("read stored records: %w", err)
		}
		for rows.Next() {
			if err := q.scan(rows); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read stored records: %w", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// fingerprintSQL computes, for every stored response, the same fingerprint as fingerprint does
// for an imported row, so that "the same content" means the same in both places.
const fingerprintSQL = `SELECT r.response_id, md5(concat_ws('|', g.group_code, p.code, r.timepoint,
		strftime(r.submitted_at, '%Y-%m-%dT%H:%M:%S'), coalesce(r.profession, ''), coalesce(r.career_stage, ''), r.answers))
	FROM responses r JOIN participants p USING (participant_id) JOIN groups g ON g.group_id = r.group_id
	WHERE r.timepoint <> 'session'`

// fingerprint identifies a response's content: group, participant, timepoint, time to the
// second, descriptors and the answers in their canonical JSON.
func fingerprint(group, code, timepoint string, at time.Time, profession, career, answers string) string {
	return md5hex(group + "|" + code + "|" + timepoint + "|" + at.UTC().Format("2006-01-02T15:04:05") + "|" + profession + "|" + career + "|" + answers)
}
