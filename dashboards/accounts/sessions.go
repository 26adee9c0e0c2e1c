package accounts

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// SessionLimits are how long a sign-in lasts: it ends after Idle without a request, and after
// Absolute however busy it is.
type SessionLimits struct {
	Idle, Absolute time.Duration
}

// DefaultSessionLimits suit shared NHS workstations: 30 minutes idle, 12 hours at most.
var DefaultSessionLimits = SessionLimits{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}

// touchEvery is how stale last_seen_at may get before a request refreshes it: writing it on
// every request would make each page view a write.
const touchEvery = time.Minute

// ErrNoSession means the secret names no live session or token: signed out, expired, revoked,
// or never issued.
var ErrNoSession = errors.New("not signed in")

// newSecret returns 256 random bits, URL-safe, prefixed so a leaked secret is recognisable.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// StartSession signs an account in and returns the session secret for its cookie.
func (s *Store) StartSession(ctx context.Context, accountID int64, lim SessionLimits) (string, error) {
	secret := newSecret("pps_")
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO staff_sessions (token_hash, account_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, secretHash(secret), accountID, now, now, now.Add(lim.Absolute)); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return secret, nil
}

// SessionAccount returns the account signed in with secret, refreshing the session's idle
// clock. Expired sessions and sessions of disabled accounts are ErrNoSession.
func (s *Store) SessionAccount(ctx context.Context, secret string, lim SessionLimits) (Account, error) {
	if secret == "" {
		return Account{}, ErrNoSession
	}
	hash := secretHash(secret)
	var id int64
	var lastSeen, expires time.Time
	var disabled bool
	err := s.db.QueryRowContext(ctx, `SELECT s.account_id, s.last_seen_at, s.expires_at, a.disabled_at IS NOT NULL
		FROM staff_sessions s JOIN staff_accounts a USING (account_id) WHERE s.token_hash = ?`, hash).
		Scan(&id, &lastSeen, &expires, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, fmt.Errorf("read session: %w", err)
	}
	now := s.now()
	if disabled || !now.Before(expires) || now.Sub(lastSeen) >= lim.Idle {
		_ = s.EndSession(ctx, secret)
		return Account{}, ErrNoSession
	}
	if now.Sub(lastSeen) >= touchEvery {
		// Two tabs may refresh at once; DuckDB then refuses one UPDATE, which only means the
		// other one won, so the error is not the request's problem.
		_, _ = s.db.ExecContext(ctx, `UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?`, now, hash)
	}
	return s.ByID(ctx, id)
}

// EndSession signs a session out. Ending one that does not exist is not an error.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, secretHash(secret)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// PruneSessions deletes sessions past their absolute expiry; the idle ones go when next seen.
func (s *Store) PruneSessions(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM staff_sessions WHERE expires_at <= ?`, s.now()); err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	return nil
}
