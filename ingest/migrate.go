package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrSchemaTooNew is returned when the file was migrated by a newer peerpulse than this one:
// running old code on a newer schema could write rows the newer code cannot read.
var ErrSchemaTooNew = errors.New("database schema is newer than this peerpulse")

// migration is one schema step. Steps are never edited once released; a change is a new step.
type migration struct {
	name       string
	statements []string
}

// SchemaVersion is the schema version this binary writes: the number of migrations it knows.
func SchemaVersion() int { return len(migrations) }

// migrate applies every migration the file has not seen, each in its own transaction that also
// records its version, so a crash leaves the file at a whole version.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       VARCHAR NOT NULL,
		applied_at TIMESTAMP NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate %s: create schema_migrations: %w", db.path, err)
	}
	current, err := db.version(ctx)
	if err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("%w: %s is at version %d, this binary knows %d; use a newer peerpulse", ErrSchemaTooNew, db.path, current, len(migrations))
	}
	for v := current + 1; v <= len(migrations); v++ {
		if err := db.apply(ctx, v, migrations[v-1]); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, version int, m migration) (err error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d (%s): begin: %w", version, m.name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for i, stmt := range m.statements {
		if _, err = tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %d (%s) statement %d: %w", version, m.name, i+1, err)
		}
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, m.name, time.Now().UTC()); err != nil {
		return fmt.Errorf("migration %d (%s): record version: %w", version, m.name, err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("migration %d (%s): commit: %w", version, m.name, err)
	}
	return nil
}

// version reads the highest applied migration; 0 for a new file.
func (db *DB) version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", db.path, err)
	}
	return int(v.Int64), nil
}

// checkVersion is the read-only counterpart of migrate: it cannot upgrade, so it refuses any
// file that is not exactly at this binary's version.
func (db *DB) checkVersion(ctx context.Context) error {
	v, err := db.version(ctx)
	if err != nil {
		return err
	}
	switch {
	case v > len(migrations):
		return fmt.Errorf("%w: %s is at version %d, this binary knows %d", ErrSchemaTooNew, db.path, v, len(migrations))
	case v < len(migrations):
		return fmt.Errorf("database %s is at schema version %d and needs %d: start `peerpulse serve` once to upgrade it", db.path, v, len(migrations))
	}
	return nil
}
