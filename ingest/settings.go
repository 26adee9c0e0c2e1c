package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Setting keys stored in programme_settings.
const (
	// SettingProgrammeName is the programme's display name, used when the configuration gives none.
	SettingProgrammeName = "programme_name"
)

// SettingInstruments is the key that overrides which instruments are asked at timepoint tp:
// "instruments.pre" = "cbi nss_morale". Without it, each instrument's own timepoints apply.
func SettingInstruments(tp string) string { return "instruments." + tp }

// Setting returns the stored value of key, and false when it has never been set.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM programme_settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %q: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores value under key, replacing any earlier value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return setSetting(ctx, db.sql, key, value)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func setSetting(ctx context.Context, ex execer, key, value string) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO programme_settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("store setting %q: %w", key, err)
	}
	return nil
}
