package importer

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

var update = flag.Bool("update", false, "rewrite golden files")

func openDB(t *testing.T) (*ingest.DB, *instrument.Set) {
	t.Helper()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	db, err := ingest.Open(context.Background(), filepath.Join(t.TempDir(), "import.duckdb"), ingest.Options{Instruments: set})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, set
}

func validFiles() Files {
	return Files{Groups: "testdata/valid/groups.csv", Sessions: "testdata/valid/sessions.csv",
		Attendance: "testdata/valid/attendance.csv", Responses: "testdata/valid/responses.csv"}
}

// checksums fingerprints every table, to prove that a refused import wrote nothing at all.
func checksums(t *testing.T, db *ingest.DB) string {
	t.Helper()
	var out []string
	for _, table := range []string{"groups", "sessions", "participants", "attendance", "responses", "audit_log", "programme_settings"} {
		var n int
		var sum *string
		q := fmt.Sprintf(`SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM %s t`, table)
		if err := db.SQL().QueryRow(q).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		s := "-"
		if sum != nil {
			s = *sum
		}
		out = append(out, fmt.Sprintf("%s=%d:%s", table, n, s))
	}
	return strings.Join(out, " ")
}

func TestImportValidFixtures(t *testing.T) {
	ctx := context.Background()
	db, set := openDB(t)
	res, err := Run(ctx, db, set, validFiles(), Options{Actor: "test"})
	if err != nil {
		var buf bytes.Buffer
		if res != nil {
			res.WriteReport(&buf)
		}
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := map[string][4]int{ // read, imported, duplicates, rejected
		"groups": {3, 3, 0, 0}, "sessions": {4, 4, 0, 0}, "attendance": {5, 5, 0, 0}, "responses": {5, 5, 0, 0},
	}
	for _, s := range res.Summaries {
		if got := [4]int{s.Read, s.Imported, s.Duplicates, s.Rejected}; got != want[s.Kind] {
			t.Errorf("%s: read/imported/duplicates/rejected = %v, want %v", s.Kind, got, want[s.Kind])
		}
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"notes"`) {
		t.Errorf("warnings %v: want the unknown notes column", res.Warnings)
	}
	checks := []struct {
		name, q, want string
	}{
		{"codes are one person across spellings", `SELECT string_agg(DISTINCT p.code, ',' ORDER BY p.code) FROM participants p JOIN groups g USING (group_id) WHERE g.group_code = 'BAL-01'`, "ACD347,KMN479"},
		{"pre and post linked", `SELECT string_agg(timepoint, ',' ORDER BY timepoint) FROM responses r JOIN participants p USING (participant_id) WHERE p.code = 'ACD347'`, "post,pre"},
		{"labels read as codes", `SELECT answers FROM responses WHERE response_id = 'F-1002'`, `{"cbi_p1":4,"cbi_p2":2,"cbi_p3":3,"cbi_p4":1,"cbi_p5":3,"cbi_p6":3,"cbi_w1":4,"cbi_w2":2,"cbi_w3":3,"cbi_w4":3,"cbi_w5":3,"cbi_w6":3,"cbi_w7":3,"nss_leave1":2,"nss_str3":1}`},
		{"scored as on the web (INSTRUMENTS.md §2 fixture)", `SELECT s_cbi_personal || ' ' || round(s_cbi_work, 12) FROM responses WHERE response_id = 'F-1001'`, "60.0 60.714285714286"},
		{"Excel serial date", `SELECT strftime(submitted_at, '%Y-%m-%d %H:%M') FROM responses WHERE response_id = 'F-1004'`, "2026-03-01 12:00"},
		{"offset converted to UTC", `SELECT strftime(submitted_at, '%Y-%m-%d %H:%M') FROM responses WHERE response_id = 'F-1005'`, "2026-07-01 07:00"},
		{"date alone is midnight UTC", `SELECT strftime(submitted_at, '%H:%M:%S') FROM responses WHERE response_id = 'F-1001'`, "00:00:00"},
		{"id derived from content when absent", `SELECT count(*) FROM responses WHERE response_id LIKE 'imp-%'`, "1"},
		{"formula-like text kept as text", `SELECT topic FROM sessions WHERE session_no = 2`, `=HYPERLINK("http://example.invalid")`},
		{"defaults applied", `SELECT planned_sessions || '/' || facilitator_minutes_budget || '/' || capacity FROM groups WHERE group_code = 'EC-03'`, "10/900/12"},
		{"facilitator minutes default to duration", `SELECT facilitator_minutes FROM sessions s JOIN groups g USING (group_id) WHERE g.group_code = 'RP-02'`, "90"},
		{"import audited", `SELECT action || ' by ' || actor FROM audit_log`, "import by test"},
	}
	for _, c := range checks {
		var got string
		if err := db.SQL().QueryRow(c.q).Scan(&got); err != nil || got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.want)
		}
	}

	// The same files again add nothing and count every row as already stored.
	before := checksums(t, db)
	again, err := Run(ctx, db, set, validFiles(), Options{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Summaries {
		if s.Imported != 0 || s.Duplicates != s.Read || s.Rejected != 0 {
			t.Errorf("re-import of %s: %+v", s.Kind, s)
		}
	}
	if after := checksums(t, db); after != before {
		t.Errorf("re-import changed the database:\n%s\n%s", before, after)
	}
}

func TestImportRejectsAreReportedAndAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db, set := openDB(t)
	if _, err := Run(ctx, db, set, Files{Groups: "testdata/valid/groups.csv"}, Options{}); err != nil {
		t.Fatal(err)
	}
	before := checksums(t, db)
	res, err := Run(ctx, db, set, Files{Responses: "testdata/invalid/responses.csv"}, Options{})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	if after := checksums(t, db); after != before {
		t.Fatalf("a refused import wrote something:\n%s\n%s", before, after)
	}
	var report bytes.Buffer
	res.WriteReport(&report)
	var rejects bytes.Buffer
	if err := WriteRejectsCSV(&rejects, res.Rejects); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/invalid/report.golden", report.String())
	golden(t, "testdata/invalid/rejects.golden.csv", rejects.String())

	// Dry run: the same report, nothing written.
	if _, err := Run(ctx, db, set, Files{Responses: "testdata/invalid/responses.csv"}, Options{DryRun: true, Partial: true}); err != nil {
		t.Fatal(err)
	}
	if after := checksums(t, db); after != before {
		t.Fatal("a dry run wrote something")
	}
	// Partial: only the valid rows go in.
	res, err = Run(ctx, db, set, Files{Responses: "testdata/invalid/responses.csv"}, Options{Partial: true})
	if err != nil || !res.Written {
		t.Fatalf("partial: %v", err)
	}
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d responses stored, want the one valid row", n)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
