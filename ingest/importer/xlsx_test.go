package importer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestImportXLSX imports responses from the first sheet of a workbook as a spreadsheet user
// would make it: a real date cell, numbers as numbers, labels, and text that looks like a formula.
func TestImportXLSX(t *testing.T) {
	ctx := context.Background()
	db, set := openDB(t)
	if _, err := Run(ctx, db, set, Files{Groups: "testdata/valid/groups.csv"}, Options{}); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Response_ID", "Group_Code", "Participant_Code", "Timepoint", "Submitted_At", "CBI_P1", "cbi_p2", "cbi_p3", "nss_leave1"},
		{"X-1", "BAL-01", "=ABC 123", "pre", time.Date(2026, 2, 3, 9, 30, 0, 0, time.UTC), 4, "often", 3, "Agree"},
		{"X-2", "BAL-01", "def-456", "post", time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC), 2.0, 2, 2, nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// Everything on a second sheet is ignored.
	f.NewSheet("Notes")
	f.SetCellValue("Notes", "A1", "not data")
	path := filepath.Join(t.TempDir(), "responses.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, db, set, Files{Responses: path}, Options{})
	if err != nil {
		t.Fatalf("%v: %+v", err, res.Rejects)
	}
	var at, code string
	db.SQL().QueryRow(`SELECT strftime(r.submitted_at, '%Y-%m-%d %H:%M'), p.code FROM responses r JOIN participants p USING (participant_id) WHERE response_id = 'X-1'`).Scan(&at, &code)
	if at != "2026-02-03 09:30" || code != "=ABC123" {
		t.Fatalf("date %q, code %q", at, code)
	}
	var answers string
	db.SQL().QueryRow(`SELECT answers FROM responses WHERE response_id = 'X-2'`).Scan(&answers)
	if answers != `{"cbi_p1":2,"cbi_p2":2,"cbi_p3":2}` {
		t.Fatalf("answers %s", answers)
	}
}
