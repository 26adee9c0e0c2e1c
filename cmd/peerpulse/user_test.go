package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserCommand creates, lists, re-passwords and disables accounts with the built binary,
// passwords on standard input, first on a closed file and then through a running server.
func TestUserCommand(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "users.duckdb")
	run := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"user"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := exec.Command(bin, "demo", "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	steps := []struct {
		stdin string
		args  []string
		ok    bool
		want  string
	}{
		{"a long enough password\n", []string{"add", "--db", db, "--email", "Eva@Example.NHS.uk", "--role", "evaluator"}, true, "Added eva@example.nhs.uk as evaluator"},
		{"another long password\n", []string{"add", "--db", db, "--email", "fac@example.nhs.uk", "--role", "facilitator", "--groups", "ALS-01,BAL-01"}, true, "as facilitator"},
		{"short\n", []string{"add", "--db", db, "--email", "x@example.nhs.uk", "--role", "funder"}, false, "12 to 256"},
		{"a long enough password\n", []string{"add", "--db", db, "--email", "y@example.nhs.uk", "--role", "facilitator", "--groups", "NOPE-1"}, false, "unknown group"},
		{"a long enough password\n", []string{"add", "--db", db, "--email", "eva@example.nhs.uk", "--role", "funder"}, false, "already exists"},
		{"", []string{"add", "--db", db, "--email", "z@example.nhs.uk", "--role", "funder"}, false, "standard input"},
		{"", []string{"--db", db}, false, "say what to do"},
		{"a brand new password\n", []string{"passwd", "--db", db, "--email", "eva@example.nhs.uk"}, true, "Changed the password"},
		{"", []string{"disable", "--db", db, "--email", "fac@example.nhs.uk"}, true, "Disabled fac@example.nhs.uk"},
		{"", []string{"list", "--db", db}, true, "fac@example.nhs.uk"},
	}
	for _, s := range steps {
		out, err := run(s.stdin, s.args...)
		if (err == nil) != s.ok || !strings.Contains(out, s.want) {
			t.Fatalf("user %v: err %v, output:\n%s\nwant ok=%v and %q", s.args, err, out, s.ok, s.want)
		}
	}
	list, _ := run("", "list", "--db", db)
	if !strings.Contains(list, "ALS-01,BAL-01") || !strings.Contains(list, "disabled") || strings.Count(list, "\n") != 3 {
		t.Errorf("list:\n%s", list)
	}

	// While a server holds the file, the change goes through it.
	addr := strings.TrimPrefix(startServer(t, bin, db).base, "http://")
	if out, err := run("server password 123\n", "add", "--db", db, "--addr", addr, "--email", "admin@example.nhs.uk", "--role", "admin"); err != nil ||
		!strings.Contains(out, "Added admin@example.nhs.uk as admin") {
		t.Fatalf("add through the server: %v\n%s", err, out)
	}
	if out, err := run("", "list", "--db", db, "--addr", addr); err != nil || !strings.Contains(out, "admin@example.nhs.uk") {
		t.Fatalf("list through the server: %v\n%s", err, out)
	}
	if out, err := run("", "disable", "--db", db, "--addr", addr, "--email", "ghost@example.nhs.uk"); err == nil || !strings.Contains(out, "no such account") {
		t.Fatalf("disable unknown through the server: %v\n%s", err, out)
	}
}
