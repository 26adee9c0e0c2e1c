package ingest

import (
	"context"
	"database/sql"
	"fmt"
)

// directory is the ids of every group, session and participant, which the bulk loader and the
// submission writer resolve codes with.
type directory struct {
	groups       map[string]int32
	sessions     map[sessionKey]int32
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

// readDirectory reads the directory on conn (inside its transaction, if one is open).
func readDirectory(ctx context.Context, conn *sql.Conn) (directory, error) {
	d := directory{groups: map[string]int32{}, sessions: map[sessionKey]int32{}, participants: map[participantKey]int32{}}
	queries := []struct {
		sql  string
		scan func(*sql.Rows) error
	}{
		{`SELECT group_code, group_id FROM groups`, func(r *sql.Rows) error {
			var code string
			var id int32
			err := r.Scan(&code, &id)
			d.groups[code] = id
			return err
		}},
		{`SELECT group_id, session_no, session_id FROM sessions`, func(r *sql.Rows) error {
			var k sessionKey
			var id int32
			err := r.Scan(&k.group, &k.no, &id)
			d.sessions[k] = id
			return err
		}},
		{`SELECT group_id, code, participant_id FROM participants`, func(r *sql.Rows) error {
			var k participantKey
			var id int32
			err := r.Scan(&k.group, &k.code, &id)
			d.participants[k] = id
			return err
		}},
	}
	for _, q := range queries {
		if err := scanRows(ctx, conn, q.sql, q.scan); err != nil {
			return d, fmt.Errorf("read the programme's ids: %w", err)
		}
	}
	return d, nil
}

func scanRows(ctx context.Context, conn *sql.Conn, q string, scan func(*sql.Rows) error) error {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
