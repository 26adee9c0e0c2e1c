package ingest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.duckdb")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db, path
}

func tableNames(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT table_name FROM duckdb_tables() ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return names
}

func TestMigrationsFreshAndRerun(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	want := []string{"api_tokens", "attendance", "audit_log", "groups", "participant_codes", "programme_settings",
		"responses", "schema_migrations", "sessions", "staff_accounts", "staff_groups", "staff_sessions"}
	if got := tableNames(t, db); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("tables = %v, want %v", got, want)
	}
	// The instrument columns and the long views over them follow the instrument definitions.
	var cols, views int
	db.SQL().QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'responses' AND regexp_matches(column_name, '^s_')`).Scan(&cols)
	db.SQL().QueryRow(`SELECT count(*) FROM duckdb_views() WHERE view_name IN ('answers', 'text_answers', 'scale_scores')`).Scan(&views)
	if cols != 7 || views != 3 {
		t.Fatalf("%d score columns (want 7) and %d views (want 3)", cols, views)
	}
	if err := db.SetSetting(ctx, "k", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Re-opening applies nothing twice and keeps the data.
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	var versions int
	db.SQL().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&versions)
	if versions != SchemaVersion() {
		t.Fatalf("%d versions recorded, want %d", versions, SchemaVersion())
	}
	if v, ok, _ := db.Setting(ctx, "k"); !ok || v != "v1" {
		t.Fatalf("setting after reopen = %q, %v", v, ok)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	if _, err := db.SQL().Exec(`INSERT INTO schema_migrations VALUES (?, 'from the future', now()::TIMESTAMP)`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx, path, Options{ReadOnly: ro})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("read-only=%v: err = %v, want ErrSchemaTooNew", ro, err)
		}
	}
}

func TestFailedMigrationLeavesWholeVersion(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	defer db.Close()
	bad := migration{name: "broken", statements: []string{`CREATE TABLE half_done (x INTEGER)`, `THIS IS NOT SQL`}}
	if err := db.apply(ctx, SchemaVersion()+1, bad); err == nil || !strings.Contains(err.Error(), "statement 2") {
		t.Fatalf("err = %v, want a statement 2 error", err)
	}
	for _, n := range tableNames(t, db) {
		if n == "half_done" {
			t.Fatal("the failed migration's first statement was kept")
		}
	}
	if v, _ := db.version(ctx); v != SchemaVersion() {
		t.Fatalf("version = %d after a failed migration", v)
	}
}

// TestHoldDatabase is not a test: the lock test runs the test binary with PEERPULSE_TEST_HOLD
// set, so that a second process holds the file.
func TestHoldDatabase(t *testing.T) {
	path := os.Getenv("PEERPULSE_TEST_HOLD")
	if path == "" {
		t.Skip("helper process for TestLockedFileGivesOneLine")
	}
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	os.Stdout.WriteString("holding\n")
	time.Sleep(20 * time.Second)
}

func TestLockedFileGivesOneLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldDatabase$")
	cmd.Env = append(os.Environ(), "PEERPULSE_TEST_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 64)
	deadline := time.Now().Add(15 * time.Second)
	for got := ""; !strings.Contains(got, "holding"); {
		n, err := out.Read(buf)
		got += string(buf[:n])
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("helper did not start: %v (%q)", err, got)
		}
	}
	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, path) || !strings.Contains(msg, "--db") {
		t.Fatalf("message should be one line naming the file and what to do: %q", msg)
	}
	t.Log(msg)
}
