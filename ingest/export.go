package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ExportedTable is one file of an export: its name, rows and what it holds.
type ExportedTable struct {
	File        string `json:"file"`
	Rows        int64  `json:"rows"`
	Description string `json:"description"`
}

// ExportManifest describes an export; it is written beside the files as manifest.json.
type ExportManifest struct {
	Format        string          `json:"format"`
	ExportedAt    time.Time       `json:"exported_at"`
	SchemaVersion int             `json:"schema_version"`
	Tables        []ExportedTable `json:"tables"`
	Withheld      []string        `json:"withheld"`
}

// exportTable is one query of the export. Queries use {{salt}} where a pseudonym is drawn, and
// {{items}} where the answer columns go.
type exportTable struct {
	file, description, query string
}

// The pseudonyms are keyed hashes of internal ids with a salt drawn for this export and then
// forgotten: rows of one export join, but two exports cannot be linked to each other or back to
// a participant code, a client id or a row of the live database.
const (
	participantPseudonym = `'P-' || substr(sha256({{salt}} || ':participant:' || %s::VARCHAR), 1, 16)`
	responsePseudonym    = `'R-' || substr(sha256({{salt}} || ':response:' || %s::VARCHAR), 1, 16)`
)

var exportTables = []exportTable{
	{"groups.parquet", "one row per group: programme description, no invite token, no facilitator name",
		`SELECT group_code, name, modality, region, profession, cadence, planned_sessions,
			facilitator_minutes_budget, capacity, CAST(created_at AS DATE) AS created_on, CAST(closed_at AS DATE) AS closed_on
		FROM groups ORDER BY group_code`},
	{"sessions.parquet", "one row per session held: date, length, facilitator minutes and topic; no pulse token",
		`SELECT g.group_code, s.session_no, s.session_date, s.duration_minutes, s.facilitator_minutes, s.topic
		FROM sessions s JOIN groups g USING (group_id) ORDER BY g.group_code, s.session_no`},
	{"participants.parquet", "one row per participant: a pseudonym for this export and the group; no code",
		`SELECT ` + fmt.Sprintf(participantPseudonym, "p.participant_id") + ` AS participant, g.group_code
		FROM participants p JOIN groups g USING (group_id) ORDER BY 2, 1`},
	{"attendance.parquet", "one row per participant and session recorded",
		`SELECT g.group_code, s.session_no, ` + fmt.Sprintf(participantPseudonym, "a.participant_id") + ` AS participant, a.attended
		FROM attendance a JOIN sessions s USING (session_id) JOIN groups g ON g.group_id = s.group_id ORDER BY 1, 2, 3`},
	{"responses.parquet", "one row per completed questionnaire: pseudonyms, timepoint, date (not time), coarse descriptors, the raw answer code of every item (a column per item id, 1 is the first option, NULL when not answered) and the scale scores (s_<scale>, NULL when not valid); no free text, no client or source ids",
		`SELECT ` + fmt.Sprintf(responsePseudonym, "r.response_key") + ` AS response, ` +
			fmt.Sprintf(participantPseudonym, "r.participant_id") + ` AS participant, g.group_code, r.timepoint,
			s.session_no, CAST(r.submitted_at AS DATE) AS submitted_on, r.source, r.profession, r.career_stage,
			r.instrument_versions, {{items}} COLUMNS('^s_')
		FROM responses r JOIN groups g USING (group_id) LEFT JOIN sessions s ON s.session_id = r.session_id
		ORDER BY 3, 4, 2, 1`},
}

// exportWithheld is what the export leaves out on purpose, for the manifest and the docs.
var exportWithheld = []string{
	"participant codes (replaced by pseudonyms valid within this export only)",
	"free-text answers (texts): people write names, places and events that identify them",
	"client ids, response ids and internal keys",
	"invite and pulse tokens, facilitator names, staff accounts and the audit log",
	"submission times (dates only)",
}

// ExportParquet writes the anonymised tables as Parquet files (zstd) into dir, which must be
// empty or not exist, with a manifest.json. Every file is read from one snapshot, so the files
// agree with each other even while the writer appends. Rows are ordered by pseudonym within
// each group: in storage order, row i of two exports would be the same person.
func (db *DB) ExportParquet(ctx context.Context, dir string) (ExportManifest, error) {
	defer db.Parallel(ctx)()
	m := ExportManifest{Format: "parquet", ExportedAt: time.Now().UTC().Truncate(time.Second),
		SchemaVersion: SchemaVersion(), Withheld: exportWithheld}
	if err := emptyDir(dir); err != nil {
		return m, err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return m, fmt.Errorf("export: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	salt := sqlString(randomHex(32))
	// Answers go wide, a column per item: a long table would be ~17 rows per response, and
	// sorting it by pseudonym would cost the export gigabytes.
	var items strings.Builder
	for _, id := range db.layout.items {
		fmt.Fprintf(&items, "CAST(r.answers ->> %s AS UTINYINT) AS %s, ", sqlString("$."+id), sqlIdent(id))
	}
	fill := strings.NewReplacer("{{salt}}", salt, "{{items}}", items.String())
	for _, t := range exportTables {
		path := filepath.Join(dir, t.file)
		q := fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)", fill.Replace(t.query), sqlString(path))
		res, err := conn.ExecContext(ctx, q)
		if err != nil {
			return m, fmt.Errorf("export %s: %w", t.file, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return m, fmt.Errorf("export %s: %w", t.file, err)
		}
		m.Tables = append(m.Tables, ExportedTable{File: t.file, Rows: n, Description: t.description})
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(raw, '\n'), 0o640); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	return m, nil
}

// emptyDir creates dir, or checks that it is empty: files of two exports must never mix, as
// their pseudonyms do not join.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("export: create %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("export: %s is not empty; give a new or empty folder (files of two exports do not join)", dir)
	}
	return nil
}
