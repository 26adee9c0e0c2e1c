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
