package accounts

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// fastParams keep tests quick; the production parameters are checked in TestDefaultParams.
var fastParams = Params{MemoryKiB: 1024, Time: 1, Threads: 1}

// clock is a settable time for expiry tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t *testing.T) (*Store, *clock) {
	t.Helper()
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "accounts.duckdb"), ingest.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Load(ctx, set, &ingest.Batch{Groups: []ingest.Group{
		{Code: "MC-01", Name: "One", Modality: "balint"}, {Code: "MC-02", Name: "Two", Modality: "coaching"}}}); err != nil {
		t.Fatal(err)
	}
	s := NewStore(db.SQL(), fastParams)
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	s.now = c.now
	return s, c
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse battery", fastParams)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if h2 := HashPassword("correct horse battery", fastParams); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name, encoded, pw string
		ok                bool
		err               bool
	}{
		{"right password", h, "correct horse battery", true, false},
		{"wrong password", h, "correct horse batterY", false, false},
		{"empty password", h, "", false, false},
		{"not PHC", "plain", "x", false, true},
		{"bcrypt", "$2a$10$abc", "x", false, true},
		{"absurd memory", strings.Replace(h, "m=1024", "m=99999999", 1), "x", false, true},
		{"short hash", h[:strings.LastIndex(h, "$")+1] + "AAAA", "x", false, true},
	}
	for _, tt := range tests {
		ok, err := verifyPassword(tt.encoded, tt.pw)
		if ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("%s: ok %v err %v, want ok %v err %v", tt.name, ok, err, tt.ok, tt.err)
		}
	}
}

func TestDefaultParams(t *testing.T) {
	t.Parallel()
	// OWASP's minimum for argon2id: 19 MiB and 2 passes.
	if DefaultParams.MemoryKiB < 19*1024 || DefaultParams.Time < 2 {
		t.Fatalf("DefaultParams %+v are below OWASP's argon2id minimum", DefaultParams)
	}
	h := HashPassword("a long enough password", DefaultParams)
	if ok, err := verifyPassword(h, "a long enough password"); !ok || err != nil {
		t.Fatalf("verify with default params: %v %v", ok, err)
	}
}

func TestAddAndAuthenticate(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	fac, err := s.Add(ctx, " Fac@Example.NHS.uk ", Facilitator, []string{"MC-02", "MC-01"}, "facilitator password")
	if err != nil {
		t.Fatal(err)
	}
	if fac.Email != "fac@example.nhs.uk" || strings.Join(fac.Groups, ",") != "MC-01,MC-02" {
		t.Errorf("added %+v", fac)
	}
	bad := []struct {
		name, email, role string
		groups            []string
		pw                string
		want              string
	}{
		{"duplicate", "FAC@example.nhs.uk", Evaluator, nil, "another password", "already exists"},
		{"unknown role", "x@example.org", "superuser", nil, "a fine password", "role"},
		{"groups for an evaluator", "x@example.org", Evaluator, []string{"MC-01"}, "a fine password", "only facilitators"},
		{"unknown group", "x@example.org", Facilitator, []string{"NOPE"}, "a fine password", "unknown group"},
		{"short password", "x@example.org", Funder, nil, "short", "12 to 256"},
		{"not an email", "nobody", Funder, nil, "a fine password", "not an email"},
	}
	for _, tt := range bad {
		if _, err := s.Add(ctx, tt.email, tt.role, tt.groups, tt.pw); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want it to say %q", tt.name, err, tt.want)
		}
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("after one good add and %d refused, list = %+v, %v (a refused add left a row)", len(bad), list, err)
	}

	got, err := s.Authenticate(ctx, "fac@EXAMPLE.nhs.uk", "facilitator password")
	if err != nil || got.ID != fac.ID || got.Role != Facilitator {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	for _, tc := range [][2]string{{"fac@example.nhs.uk", "wrong password!"}, {"nobody@example.nhs.uk", "facilitator password"}, {"", ""}} {
		if _, err := s.Authenticate(ctx, tc[0], tc[1]); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("authenticate %q: %v, want ErrBadCredentials", tc[0], err)
		}
	}
	if err := s.SetPassword(ctx, "fac@example.nhs.uk", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "fac@example.nhs.uk", "facilitator password"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	if err := s.Disable(ctx, "fac@example.nhs.uk"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "fac@example.nhs.uk", "a brand new password"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("a disabled account signs in: %v", err)
	}
	if err := s.Disable(ctx, "ghost@example.nhs.uk"); !errors.Is(err, ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	a, err := s.Add(ctx, "ev@example.org", Evaluator, nil, "evaluator password")
	if err != nil {
		t.Fatal(err)
	}
	lim := SessionLimits{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}
	secret, err := s.StartSession(ctx, a.ID, lim)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := s.db.QueryRow(`SELECT count(*) FROM staff_sessions WHERE token_hash = ?`, secret).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the session secret itself is stored (%d rows, %v)", stored, err)
	}
	// Active every 20 minutes: alive until the absolute limit, however busy.
	for i := 0; i < 5; i++ {
		clk.t = clk.t.Add(20 * time.Minute)
		if _, err := s.SessionAccount(ctx, secret, lim); err != nil {
			t.Fatalf("after %d×20 min of activity: %v", i+1, err)
		}
	}
	clk.t = clk.t.Add(20 * time.Minute) // 2 h after sign-in
	if _, err := s.SessionAccount(ctx, secret, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("past the absolute limit: %v", err)
	}

	idle, _ := s.StartSession(ctx, a.ID, lim)
	clk.t = clk.t.Add(31 * time.Minute)
	if _, err := s.SessionAccount(ctx, idle, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 31 idle minutes: %v", err)
	}

	out, _ := s.StartSession(ctx, a.ID, lim)
	if err := s.EndSession(ctx, out); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAccount(ctx, out, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after sign-out: %v", err)
	}

	live, _ := s.StartSession(ctx, a.ID, lim)
	if err := s.SetPassword(ctx, a.Email, "changed password!"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAccount(ctx, live, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a password change leaves other sessions signed in: %v", err)
	}
	if _, err := s.SessionAccount(ctx, "pps_made-up", lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("made-up secret: %v", err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a, _ := s.Add(ctx, "fu@example.org", Funder, nil, "funder password!")
	b, _ := s.Add(ctx, "ev@example.org", Evaluator, nil, "evaluator password")
	secret, tok, err := s.CreateToken(ctx, a.ID, "board report script")
	if err != nil || !strings.HasPrefix(secret, "ppt_") || len(secret) < 40 {
		t.Fatalf("create: %q %v", secret, err)
	}
	got, err := s.TokenAccount(ctx, secret)
	if err != nil || got.ID != a.ID || got.Role != Funder {
		t.Fatalf("token acts for %+v, %v", got, err)
	}
	if err := s.RevokeToken(ctx, b.ID, tok.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account revoked the token: %v", err)
	}
	if err := s.RevokeToken(ctx, a.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenAccount(ctx, secret); !errors.Is(err, ErrNoSession) {
		t.Fatalf("revoked token works: %v", err)
	}
	list, _ := s.Tokens(ctx, a.ID)
	if len(list) != 1 || !list[0].Revoked || list[0].LastUsed == nil {
		t.Fatalf("tokens = %+v", list)
	}
	live, _, _ := s.CreateToken(ctx, b.ID, "nightly")
	if err := s.Disable(ctx, b.Email); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenAccount(ctx, live); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a disabled account's token works: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, a.ID, "  "); err == nil {
		t.Error("a token without a name was made")
	}
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Unix(0, 0)}
	th := NewThrottle(3, time.Second, 8*time.Second)
	th.now = clk.now
	var waits []time.Duration
	for i := 0; i < 7; i++ {
		th.Fail("a")
		waits = append(waits, th.Wait("a"))
	}
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	if th.Wait("b") != 0 {
		t.Error("one key's failures slowed another")
	}
	clk.t = clk.t.Add(5 * time.Second)
	if w := th.Wait("a"); w != 3*time.Second {
		t.Errorf("after 5 s the wait is %v, want 3s", w)
	}
	th.Fail("a")
	if w := th.Wait("a"); w != 8*time.Second {
		t.Errorf("capped wait %v, want 8s", w)
	}
	th.Succeed("a")
	if w := th.Wait("a"); w != 0 {
		t.Errorf("after success the wait is %v", w)
	}
}
