package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand runs the real binary: a refused import exits 1 with a report and a rejects
// file and writes nothing; the valid files import; the same files again add nothing.
func TestImportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "import.duckdb")
	fixtures := filepath.Join("..", "..", "ingest", "importer", "testdata")
	valid := []string{"--groups", filepath.Join(fixtures, "valid", "groups.csv"), "--sessions", filepath.Join(fixtures, "valid", "sessions.csv"),
		"--attendance", filepath.Join(fixtures, "valid", "attendance.csv"), "--responses", filepath.Join(fixtures, "valid", "responses.csv")}
	run := func(args ...string) (string, int) {
		return runExit(t, bin, append([]string{"import", "--db", db}, args...)...)
	}
	if out, code := run(valid[:2]...); code != 0 || !strings.Contains(out, "3 new") {
		t.Fatalf("groups: exit %d\n%s", code, out)
	}
	rejects := filepath.Join(dir, "rejects.csv")
	out, code := run("--responses", filepath.Join(fixtures, "invalid", "responses.csv"), "--rejects", rejects)
	if code != 1 || !strings.Contains(out, "Nothing was written") || !strings.Contains(out, "row 3, group_code") {
		t.Fatalf("invalid responses: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(rejects); err != nil || strings.Count(string(b), "\n") != 11 {
		t.Fatalf("rejects file: %v\n%s", err, b)
	}
	if out, code := run(valid...); code != 0 || !strings.Contains(out, "Imported in") || strings.Contains(out, "█") {
		t.Fatalf("valid files: exit %d\n%s", code, out)
	}
	out, code = run(valid...)
	if code != 0 || !strings.Contains(out, "responses  "+valid[7]+": 5 rows read, 0 new, 5 already stored") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}
	if out, code := run(); code != 2 || !strings.Contains(out, "give at least one of") {
		t.Fatalf("no files: exit %d\n%s", code, out)
	}
}
