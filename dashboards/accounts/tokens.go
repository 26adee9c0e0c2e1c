package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token is an API token as its holder sees it later: never the secret, which is shown once.
type Token struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	LastUsed  *time.Time
	Revoked   bool
}

// tokenPrefix starts every API token, so secret scanners and people can recognise one.
const tokenPrefix = "ppt_"

// CreateToken makes an API token for an account and returns its secret, which is not stored
// and cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, accountID int64, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, errors.New("give the token a name of 1 to 100 characters, such as what script uses it")
	}
	secret := newSecret(tokenPrefix)
	t := Token{Name: name, CreatedAt: s.now()}
	if err := s.db.QueryRowContext(ctx, `INSERT INTO api_tokens (token_id, account_id, name, token_hash, created_at)
		VALUES (nextval('api_token_id_seq'), ?, ?, ?, ?) RETURNING token_id`, accountID, name, secretHash(secret), t.CreatedAt).Scan(&t.ID); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// Tokens lists an account's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, accountID int64) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT token_id, name, created_at, last_used_at, revoked_at IS NOT NULL
		FROM api_tokens WHERE account_id = ? ORDER BY token_id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.LastUsed, &t.Revoked); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the account's own tokens; ErrNotFound if it has no such token.
func (s *Store) RevokeToken(ctx context.Context, accountID, tokenID int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token_id = ? AND account_id = ?`,
		s.now(), tokenID, accountID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// TokenAccount returns the account an API token acts for: ErrNoSession when the token is
// unknown or revoked, or its account disabled.
func (s *Store) TokenAccount(ctx context.Context, secret string) (Account, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Account{}, ErrNoSession
	}
	hash := secretHash(secret)
	var id int64
	var lastUsed *time.Time
	err := s.db.QueryRowContext(ctx, `SELECT t.account_id, t.last_used_at FROM api_tokens t JOIN staff_accounts a USING (account_id)
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND a.disabled_at IS NULL`, hash).Scan(&id, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoSession
	}
	if err != nil {
		return Account{}, fmt.Errorf("read token: %w", err)
	}
	if now := s.now(); lastUsed == nil || now.Sub(*lastUsed) >= touchEvery {
		_, _ = s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`, now, hash)
	}
	return s.ByID(ctx, id)
}
