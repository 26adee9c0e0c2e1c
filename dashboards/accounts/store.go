package accounts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Roles are the staff roles (DESIGN.md "People and permissions").
const (
	Admin       = "admin"
	Evaluator   = "evaluator"
	Funder      = "funder"
	Facilitator = "facilitator"
)

// Roles lists every role, most powerful first.
var Roles = []string{Admin, Evaluator, Funder, Facilitator}

// Account is one staff member. Groups are the codes of the groups a facilitator runs; other
// roles see every group their role allows and have none.
type Account struct {
	ID        int64
	Email     string
	Role      string
	Groups    []string
	CreatedAt time.Time
	Disabled  bool
}

// Errors callers tell apart. ErrBadCredentials is deliberately the same for an unknown email,
// a wrong password and a disabled account, so sign-in messages cannot reveal who has an account.
var (
	ErrBadCredentials = errors.New("email or password is not right")
	ErrExists         = errors.New("an account with this email already exists")
	ErrNotFound       = errors.New("no such account")
	ErrUnknownGroup   = errors.New("unknown group code")
)

// Store reads and writes accounts, sessions and tokens.
type Store struct {
	db     *sql.DB
	params Params
	now    func() time.Time
	// dummy is a hash to verify against when the email is unknown, so that an unknown email
	// takes as long as a wrong password.
	dummy string
}

// NewStore returns a store on db (the ingest database's pool) hashing with p.
func NewStore(db *sql.DB, p Params) *Store {
	return &Store{db: db, params: p, now: func() time.Time { return time.Now().UTC() },
		dummy: HashPassword("no account has this password", p)}
}

// NormaliseEmail trims and lower-cases an email address and checks its shape.
func NormaliseEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	at := strings.IndexByte(e, '@')
	if at < 1 || at == len(e)-1 || len(e) > 254 || strings.ContainsAny(e, " \t\r\n<>\"") {
		return "", fmt.Errorf("%q is not an email address", email)
	}
	return e, nil
}

// Add creates an account. Facilitators must be given their groups; other roles take none.
func (s *Store) Add(ctx context.Context, email, role string, groups []string, password string) (Account, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, err
	}
	if !slices.Contains(Roles, role) {
		return Account{}, fmt.Errorf("role %q: use one of %s", role, strings.Join(Roles, ", "))
	}
	if role != Facilitator && len(groups) > 0 {
		return Account{}, fmt.Errorf("only facilitators are limited to groups; a %s sees every group their role allows", role)
	}
	if err := checkPassword(password); err != nil {
		return Account{}, err
	}
	hash := HashPassword(password, s.params)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM staff_accounts WHERE email = ?`, email).Scan(&taken); err != nil {
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	if taken {
		return Account{}, fmt.Errorf("%w: %s", ErrExists, email)
	}
	a := Account{Email: email, Role: role, Groups: slices.Clone(groups), CreatedAt: s.now()}
	if err := tx.QueryRowContext(ctx, `INSERT INTO staff_accounts (account_id, email, role, password_hash, created_at)
		VALUES (nextval('account_id_seq'), ?, ?, ?, ?) RETURNING account_id`, email, role, hash, a.CreatedAt).Scan(&a.ID); err != nil {
		return Account{}, fmt.Errorf("add account %s: %w", email, err)
	}
	if err := setGroups(ctx, tx, a.ID, groups); err != nil {
		return Account{}, err
	}
	if err := tx.Commit(); err != nil {
		return Account{}, fmt.Errorf("add account %s: %w", email, err)
	}
	slices.Sort(a.Groups)
	return a, nil
}

func setGroups(ctx context.Context, tx *sql.Tx, id int64, groups []string) error {
	for _, code := range groups {
		res, err := tx.ExecContext(ctx, `INSERT INTO staff_groups (account_id, group_id)
			SELECT ?, group_id FROM groups WHERE group_code = ?`, id, code)
		if err != nil {
			return fmt.Errorf("give group %s: %w", code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w %q", ErrUnknownGroup, code)
		}
	}
	return nil
}

// SetPassword replaces an account's password and ends its sessions, so a password changed
// because it leaked also signs out whoever used it.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	return s.update(ctx, email, false, `UPDATE staff_accounts SET password_hash = ? WHERE email = ?`, HashPassword(password, s.params))
}

// Disable stops an account signing in and ends its sessions and tokens. Accounts are never
// deleted: the audit log refers to them.
func (s *Store) Disable(ctx context.Context, email string) error {
	return s.update(ctx, email, true, `UPDATE staff_accounts SET disabled_at = coalesce(disabled_at, ?) WHERE email = ?`, s.now())
}

// update runs stmt (value, email) on one account, ending its sessions and, when revokeTokens
// is set, its API tokens, all in one transaction.
func (s *Store) update(ctx context.Context, email string, revokeTokens bool, stmt string, value any) error {
	email, err := NormaliseEmail(email)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("change account %s: %w", email, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT account_id FROM staff_accounts WHERE email = ?`, email).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", ErrNotFound, email)
	} else if err != nil {
		return fmt.Errorf("change account %s: %w", email, err)
	}
	ends := []string{`DELETE FROM staff_sessions WHERE account_id = ?`}
	if revokeTokens {
		ends = append(ends, `UPDATE api_tokens SET revoked_at = now() WHERE account_id = ? AND revoked_at IS NULL`)
	}
	for _, q := range ends {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("change account %s: %w", email, err)
		}
	}
	if _, err := tx.ExecContext(ctx, stmt, value, email); err != nil {
		return fmt.Errorf("change account %s: %w", email, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("change account %s: %w", email, err)
	}
	return nil
}

// List returns every account, by email.
func (s *Store) List(ctx context.Context) ([]Account, error) {
	return s.query(ctx, `true`)
}

// ByID returns one account, disabled or not.
func (s *Store) ByID(ctx context.Context, id int64) (Account, error) {
	list, err := s.query(ctx, `a.account_id = ?`, id)
	if err != nil {
		return Account{}, err
	}
	if len(list) == 0 {
		return Account{}, ErrNotFound
	}
	return list[0], nil
}

// query reads the accounts matching the SQL condition where, by email.
func (s *Store) query(ctx context.Context, where string, args ...any) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.account_id, a.email, a.role, a.created_at, a.disabled_at IS NOT NULL,
			coalesce(list(g.group_code ORDER BY g.group_code) FILTER (WHERE g.group_code IS NOT NULL), [])
		FROM staff_accounts a LEFT JOIN staff_groups sg USING (account_id) LEFT JOIN groups g USING (group_id)
		WHERE `+where+` GROUP BY ALL ORDER BY a.email`, args...)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var groups []any
		if err := rows.Scan(&a.ID, &a.Email, &a.Role, &a.CreatedAt, &a.Disabled, &groups); err != nil {
			return nil, fmt.Errorf("read accounts: %w", err)
		}
		for _, g := range groups {
			a.Groups = append(a.Groups, g.(string))
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Authenticate checks an email and password. Every failure is ErrBadCredentials, and takes as
// long as a wrong password, whether or not the account exists.
func (s *Store) Authenticate(ctx context.Context, email, password string) (Account, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		email = ""
	}
	var id int64
	var hash string
	var disabled bool
	err = s.db.QueryRowContext(ctx, `SELECT account_id, password_hash, disabled_at IS NOT NULL FROM staff_accounts WHERE email = ?`,
		email).Scan(&id, &hash, &disabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, _ = verifyPassword(s.dummy, password)
		return Account{}, ErrBadCredentials
	case err != nil:
		return Account{}, fmt.Errorf("sign in: %w", err)
	}
	ok, err := verifyPassword(hash, password)
	if err != nil {
		return Account{}, fmt.Errorf("sign in %s: %w", email, err)
	}
	if !ok || disabled {
		return Account{}, ErrBadCredentials
	}
	return s.ByID(ctx, id)
}

// secretHash is how session and token secrets are stored: SHA-256 suffices because the
// secrets are 256 random bits, not guessable passwords.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
