package dashboards

import (
	"bytes"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/web"
)

// TestAPIReport asks for the workbooks as peerpulse report does while the server holds the file.
func TestAPIReport(t *testing.T) {
	db, set := demotest.Pilot(t, 2)
	secret := []byte("0123456789abcdef0123456789abcdef")
	app := web.NewApp(web.Options{})
	err := Register(app, Deps{DB: db, Instruments: set, MinCell: 5, MinCellFunder: 10, CLISecret: secret,
		Accounts: accounts.NewStore(db.SQL(), accounts.DefaultParams)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url   string
		auth        bool
		status      int
		sheets      []string
		smallestRow string // the Methods line naming the smallest cell
	}{
		{"no token", "/api/v1/reports/funder.xlsx", false, 401, nil, ""},
		{"unknown kind", "/api/v1/reports/board.xlsx", true, 404, nil, ""},
		{"funder keeps its floor", "/api/v1/reports/funder.xlsx?min_cell=3", true, 200,
			[]string{"Summary", "Impact", "Delivery", "Methods", "Data dictionary"}, "10 people"},
		{"funder without responses", "/api/v1/reports/funder.xlsx?responses=true", true, 400, nil, ""},
		{"evaluator with responses, larger cell", "/api/v1/reports/evaluator.xlsx?responses=true&min_cell=7&modality=balint", true, 200,
			[]string{"Summary", "Impact", "Delivery", "Groups", "Group delivery", "Methods", "Data dictionary", "Responses"}, "7 people"},
		{"bad comparison", "/api/v1/reports/evaluator.xlsx?comparison=post-pre", true, 400, nil, ""},
	}
	audited := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.url, nil)
			if tc.auth {
				req.Header.Set("Authorization", "Bearer "+web.CLIToken(secret))
			}
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.200s", resp.StatusCode, tc.status, body)
			}
			if tc.status != 200 {
				if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
					t.Fatalf("error as %s", resp.Header.Get("Content-Type"))
				}
				return
			}
			audited++
			if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Fatalf("content type %q", ct)
			}
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
				t.Fatalf("sheets %q", got)
			}
			rows, _ := f.GetRows("Methods")
			if !slices.ContainsFunc(rows, func(r []string) bool { return strings.Contains(strings.Join(r, " "), tc.smallestRow) }) {
				t.Fatalf("Methods does not say %q", tc.smallestRow)
			}
		})
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'report.export'`).Scan(&n); err != nil || n != audited {
		t.Fatalf("%d exports audited, want %d (%v)", n, audited, err)
	}
}
