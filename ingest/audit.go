package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one thing staff (or the system) did. Detail must never hold attendee answers.
type AuditEntry struct {
	Actor  string // the staff account's email, or "system" / "cli"
	Action string // e.g. "service.start", "login.failed", "import"
	Target string // what was acted on, e.g. a group code or a file name
	Detail map[string]any
}

// Audit appends an entry to the audit log.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	var detail any
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		detail = string(b)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO audit_log (occurred_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		time.Now().UTC(), e.Actor, e.Action, nullString(e.Target), detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditRecord is one stored audit entry.
type AuditRecord struct {
	ID         int64
	OccurredAt time.Time
	Actor      string
	Action     string
	Target     string
	Detail     string // JSON, or empty
}

// AuditFilter narrows the audit log: empty fields match everything. Actor and Action match
// a prefix ("login" finds login and login.failed); From and To bound the day, To inclusive.
type AuditFilter struct {
	Actor, Action string
	From, To      time.Time
	Limit         int
}

// AuditLog returns the newest entries matching f, at most f.Limit (default 200).
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRecord, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	var from, to any
	if !f.From.IsZero() {
		from = f.From
	}
	if !f.To.IsZero() {
		to = f.To.AddDate(0, 0, 1)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT audit_id, occurred_at, actor, action, coalesce(target, ''), coalesce(detail, '')
		FROM audit_log
		WHERE starts_with(actor, ?) AND starts_with(action, ?)
			AND (CAST(? AS TIMESTAMP) IS NULL OR occurred_at >= ?) AND (CAST(? AS TIMESTAMP) IS NULL OR occurred_at < ?)
		ORDER BY audit_id DESC LIMIT ?`, f.Actor, f.Action, from, from, to, to, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var r AuditRecord
		if err := rows.Scan(&r.ID, &r.OccurredAt, &r.Actor, &r.Action, &r.Target, &r.Detail); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
