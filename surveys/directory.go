package surveys

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// Invite is what an invite or pulse link leads to.
type Invite struct {
	// InviteToken is the group's invite token, also for a pulse link, whose submission names
	// its group by it.
	InviteToken string
	GroupID     int32
	GroupCode   string
	GroupName   string
	Closed      bool
	// SessionNo, SessionDate and Topic are set for a session-pulse link.
	SessionNo   int
	SessionDate time.Time
	Topic       string
}

// directory maps invite and pulse tokens to groups. Submissions look tokens up at request rate,
// so it keeps a snapshot in memory and re-reads the database when the snapshot is old, or on a
// miss at most once per missInterval, so random tokens cannot make every request a query.
type directory struct {
	db *ingest.DB

	mu       sync.Mutex
	invites  map[string]Invite
	pulses   map[string]Invite
	loaded   time.Time
	lastMiss time.Time
}

const (
	directoryMaxAge = 30 * time.Second
	missInterval    = 2 * time.Second
)

func (d *directory) invite(ctx context.Context, token string) (Invite, bool, error) {
	return d.lookup(ctx, token, func() map[string]Invite { return d.invites })
}

func (d *directory) pulse(ctx context.Context, token string) (Invite, bool, error) {
	return d.lookup(ctx, token, func() map[string]Invite { return d.pulses })
}

func (d *directory) lookup(ctx context.Context, token string, table func() map[string]Invite) (Invite, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if now.Sub(d.loaded) > directoryMaxAge {
		if err := d.reload(ctx); err != nil {
			return Invite{}, false, err
		}
	}
	if inv, ok := table()[token]; ok {
		return inv, true, nil
	}
	if now.Sub(d.lastMiss) < missInterval || now.Sub(d.loaded) < missInterval {
		return Invite{}, false, nil
	}
	d.lastMiss = now
	if err := d.reload(ctx); err != nil {
		return Invite{}, false, err
	}
	inv, ok := table()[token]
	return inv, ok, nil
}

func (d *directory) reload(ctx context.Context) error {
	invites, pulses, err := readInvites(ctx, d.db)
	if err != nil {
		return err
	}
	d.invites, d.pulses, d.loaded = invites, pulses, time.Now()
	return nil
}

func readInvites(ctx context.Context, db *ingest.DB) (map[string]Invite, map[string]Invite, error) {
	invites, pulses := map[string]Invite{}, map[string]Invite{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT g.group_id, g.group_code, g.name, g.closed_at IS NOT NULL, g.invite_token,
			s.session_no, s.session_date, coalesce(s.topic, ''), s.pulse_token
		FROM groups g LEFT JOIN sessions s USING (group_id)`)
	if err != nil {
		return nil, nil, fmt.Errorf("read invite links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inv Invite
		var token string
		var no *int
		var date *time.Time
		var topic, pulse *string
		if err := rows.Scan(&inv.GroupID, &inv.GroupCode, &inv.GroupName, &inv.Closed, &token, &no, &date, &topic, &pulse); err != nil {
			return nil, nil, fmt.Errorf("read invite links: %w", err)
		}
		inv.InviteToken = token
		invites[token] = inv
		if pulse != nil {
			inv.SessionNo, inv.SessionDate, inv.Topic = *no, *date, *topic
			pulses[*pulse] = inv
		}
	}
	return invites, pulses, rows.Err()
}
