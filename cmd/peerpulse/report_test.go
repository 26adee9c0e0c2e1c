package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/ingest"
)

// TestReportCommand runs the real binary: workbooks from the file, usage errors, and the same
// workbook through the running server while it holds the file.
func TestReportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "pilot.duckdb")
	if out, err := exec.Command(bin, "demo", "--db", db, "--seed", "5").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	run := func(args ...string) (string, int) {
		return runExit(t, bin, append([]string{"report", "--db", db}, args...)...)
	}
	sheets := func(path string) []string {
		t.Helper()
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		defer f.Close()
		return f.GetSheetList()
	}
	funder := []string{"Summary", "Impact", "Delivery", "Methods", "Data dictionary"}
	evaluator := []string{"Summary", "Impact", "Delivery", "Groups", "Group delivery", "Methods", "Data dictionary", "Responses"}
	tests := []struct {
		name   string
		args   []string
		code   int
		output string
		sheets []string
	}{
		{"funder", []string{"--kind", "funder", "--out", filepath.Join(dir, "funder.xlsx")}, 0, "Wrote the funder workbook", funder},
		{"evaluator with responses and filters", []string{"--kind", "evaluator", "--responses", "--modality", "balint", "--min-cell", "6",
			"--out", filepath.Join(dir, "evaluator.xlsx")}, 0, "Wrote the evaluator workbook", evaluator},
		{"unknown kind", []string{"--kind", "board", "--out", filepath.Join(dir, "x.xlsx")}, 2, `kind "board" is not funder or evaluator`, nil},
		{"no output file", []string{"--kind", "funder"}, 2, "give the file to write with --out", nil},
		{"responses are for evaluators", []string{"--kind", "funder", "--responses", "--out", filepath.Join(dir, "x.xlsx")}, 2, "evaluator workbook only", nil},
		{"cell below the floor", []string{"--min-cell", "2", "--out", filepath.Join(dir, "x.xlsx")}, 2, "below the floor of 3", nil},
		{"help", []string{"--help"}, 0, "-responses", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := run(tc.args...)
			if code != tc.code || !strings.Contains(out, tc.output) {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if tc.sheets != nil {
				if got := sheets(tc.args[len(tc.args)-1]); !slices.Equal(got, tc.sheets) {
					t.Fatalf("sheets %q, want %q", got, tc.sheets)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.xlsx")); !os.IsNotExist(err) {
		t.Fatalf("a refused report left a file: %v", err)
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".*.xlsx.*")); len(entries) != 0 {
		t.Fatalf("temporary files left: %v", entries)
	}

	// While the server holds the file, report asks it.
	srv := startServer(t, bin, db)
	addr := strings.TrimPrefix(srv.base, "http://")
	online := filepath.Join(dir, "online.xlsx")
	out, code := run("--addr", addr, "--kind", "evaluator", "--responses", "--modality", "balint", "--min-cell", "6", "--out", online)
	if code != 0 {
		t.Fatalf("report through the server: exit %d\n%s\n%s", code, out, srv.stderr.String())
	}
	if got := sheets(online); !slices.Equal(got, evaluator) {
		t.Fatalf("sheets through the server %q", got)
	}
	// The same figures as from the file (the responses differ only in their random ids).
	for _, sheet := range []string{"Impact", "Groups", "Group delivery"} {
		a, b := rowsOf(t, filepath.Join(dir, "evaluator.xlsx"), sheet), rowsOf(t, online, sheet)
		if len(a) != len(b) || len(a) < 10 {
			t.Fatalf("%s: %d rows from the file, %d through the server", sheet, len(a), len(b))
		}
		for i := range a {
			if !slices.Equal(a[i], b[i]) && i > 3 {
				t.Fatalf("%s row %d differs:\n%q\n%q", sheet, i+1, a[i], b[i])
			}
		}
	}
	if out, code := run("--addr", addr, "--kind", "funder", "--min-cell", "3", "--out", filepath.Join(dir, "f2.xlsx")); code != 0 ||
		!strings.Contains(strings.Join(rowsOf(t, filepath.Join(dir, "f2.xlsx"), "Methods")[9], " "), "10 people") {
		t.Fatalf("the server must keep the funder threshold: exit %d\n%s", code, out)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	// Each workbook the server made is in the audit log; reading the file needs no server.
	store, err := ingest.Open(context.Background(), db, ingest.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var n int
	err = store.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'report.export' AND actor = 'cli'
		AND target IN ('evaluator.xlsx', 'funder.xlsx')`).Scan(&n)
	if err != nil || n != 2 {
		t.Fatalf("%d report exports audited, want 2 (%v)", n, err)
	}
}

func rowsOf(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
