package ingest

import (
	"context"
	"fmt"
	"time"
)

// Summary is the programme at a glance: counts only, read live from the database.
type Summary struct {
	Groups            int
	OpenGroups        int
	SessionsHeld      int
	Attendees         int // participants with a response or an attended session
	ResponsesPre      int
	ResponsesPost     int
	ResponsesFollowup int
}

// Summary counts the programme's records. Sessions dated after today are planned, not held.
func (db *DB) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	today := time.Now().UTC().Format(time.DateOnly)
	err := db.sql.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM groups),
		(SELECT count(*) FROM groups WHERE closed_at IS NULL),
		(SELECT count(*) FROM sessions WHERE session_date <= CAST(? AS DATE)),
		(SELECT count(*) FROM participants p WHERE
			EXISTS (SELECT 1 FROM responses r WHERE r.participant_id = p.participant_id)
			OR EXISTS (SELECT 1 FROM attendance a WHERE a.participant_id = p.participant_id AND a.attended)),
		(SELECT count(*) FROM responses WHERE timepoint = 'pre'),
		(SELECT count(*) FROM responses WHERE timepoint = 'post'),
		(SELECT count(*) FROM responses WHERE timepoint = 'followup')`, today).
		Scan(&s.Groups, &s.OpenGroups, &s.SessionsHeld, &s.Attendees, &s.ResponsesPre, &s.ResponsesPost, &s.ResponsesFollowup)
	if err != nil {
		return Summary{}, fmt.Errorf("count programme records: %w", err)
	}
	return s, nil
}
