package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/ingest"
)

// TestExportParquet exports the demo pilot and reads the files back with DuckDB: every table
// is there with the live row counts, pseudonyms join within the export and differ between
// exports, and nothing that could identify a person is in any file.
func TestExportParquet(t *testing.T) {
	ctx := context.Background()
	db, _ := demoDB(t)
	// A free-text answer that must not leave the database.
	if _, err := db.SQL().Exec(`UPDATE responses SET texts = '{"pulse_comment":"Dr Secret Person said"}' WHERE response_key = (SELECT min(response_key) FROM responses)`); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	m, err := db.ExportParquet(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExportParquet(ctx, dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second export into the same folder must be refused: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	var onDisk ingest.ExportManifest
	if err != nil || json.Unmarshal(raw, &onDisk) != nil || len(onDisk.Tables) != 5 {
		t.Fatalf("manifest: %v\n%s", err, raw)
	}
	q := func(query string) string {
		t.Helper()
		var v string
		query = strings.ReplaceAll(query, "DIR", dir)
		if err := db.SQL().QueryRow(query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	live := map[string]string{
		"groups.parquet": "groups", "sessions.parquet": "sessions", "participants.parquet": "participants",
		"attendance.parquet": "attendance", "responses.parquet": "responses",
	}
	for _, tb := range m.Tables {
		want := q(fmt.Sprintf(`SELECT count(*)::VARCHAR FROM %s`, live[tb.File]))
		got := q(fmt.Sprintf(`SELECT count(*)::VARCHAR FROM 'DIR/%s'`, tb.File))
		if got != want || fmt.Sprint(tb.Rows) != want || want == "0" {
			t.Errorf("%s: %s rows in the file, %d in the manifest, %s live", tb.File, got, tb.Rows, want)
		}
	}
	// The pseudonyms join across the files, and the scores are the stored ones.
	checks := map[string]string{
		"responses whose participant is unknown":            `SELECT count(*)::VARCHAR FROM 'DIR/responses.parquet' ANTI JOIN 'DIR/participants.parquet' USING (participant)`,
		"answer codes that differ from the live database":   `SELECT (abs((SELECT count(*) FROM (UNPIVOT (SELECT response, COLUMNS('^(cbi|nss|pulse)_') FROM 'DIR/responses.parquet') ON COLUMNS('^(cbi|nss|pulse)_') INTO NAME item VALUE code)) - (SELECT count(*) FROM answers)) + abs((SELECT sum(cbi_p1) FROM 'DIR/responses.parquet') - (SELECT sum(code) FROM answers WHERE item_id = 'cbi_p1')))::VARCHAR`,
		"attendance whose participant is unknown":           `SELECT count(*)::VARCHAR FROM 'DIR/attendance.parquet' ANTI JOIN 'DIR/participants.parquet' USING (participant)`,
		"duplicate pseudonyms":                              `SELECT (count(*) - count(DISTINCT participant))::VARCHAR FROM 'DIR/participants.parquet'`,
		"score sums that differ from the live database":     `SELECT (abs((SELECT sum(s_cbi_work) FROM 'DIR/responses.parquet') - (SELECT sum(s_cbi_work) FROM responses)) > 1e-6)::INT::VARCHAR`,
		"pre-post pairs that differ from the live database": `SELECT ((SELECT count(*) FROM (SELECT participant FROM 'DIR/responses.parquet' WHERE timepoint IN ('pre','post') GROUP BY 1 HAVING count(DISTINCT timepoint) = 2)) - (SELECT count(*) FROM (SELECT participant_id FROM responses WHERE timepoint IN ('pre','post') GROUP BY 1 HAVING count(DISTINCT timepoint) = 2)))::VARCHAR`,
	}
	for name, query := range checks {
		if got := q(query); got != "0" {
			t.Errorf("%s: %s", name, got)
		}
	}
	// Nothing identifying is in any file: no code, token, client id, free text or column of them.
	var code, token string
	db.SQL().QueryRow(`SELECT code FROM participants LIMIT 1`).Scan(&code)
	db.SQL().QueryRow(`SELECT invite_token FROM groups LIMIT 1`).Scan(&token)
	for _, tb := range m.Tables {
		cols := q(fmt.Sprintf(`SELECT string_agg(column_name, ' ') FROM (DESCRIBE SELECT * FROM 'DIR/%s')`, tb.File))
		for _, c := range strings.Fields(cols) {
			if c == "code" || c == "participant_id" || c == "response_key" || c == "facilitator" || c == "texts" || c == "client_id" || c == "response_id" || c == "invite_token" || c == "pulse_token" {
				t.Errorf("%s has column %s", tb.File, c)
			}
		}
		for _, secret := range []string{code, token, "Secret Person"} {
			if q(fmt.Sprintf(`SELECT count(*)::VARCHAR FROM (SELECT * FROM 'DIR/%s') t WHERE contains(t::VARCHAR, '%s')`, tb.File, secret)) != "0" {
				t.Errorf("%s holds %q", tb.File, secret)
			}
		}
	}
	// A second export draws new pseudonyms: two exports cannot be linked.
	other := filepath.Join(t.TempDir(), "again")
	if _, err := db.ExportParquet(ctx, other); err != nil {
		t.Fatal(err)
	}
	if n := q(`SELECT count(*)::VARCHAR FROM 'DIR/participants.parquet' JOIN '` + other + `/participants.parquet' USING (participant)`); n != "0" {
		t.Errorf("%s pseudonyms shared between two exports", n)
	}
}
