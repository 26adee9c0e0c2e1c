package dashboards

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/web"
)

func TestAPIImpact(t *testing.T) {
	db, set := demotest.Pilot(t, 2)
	secret := []byte("0123456789abcdef0123456789abcdef")
	app := web.NewApp(web.Options{})
	if err := Register(app, Deps{DB: db, Instruments: set, MinCell: 5, CLISecret: secret, Accounts: accounts.NewStore(db.SQL(), accounts.DefaultParams)}); err != nil {
		t.Fatal(err)
	}
	get := func(url string, auth bool) (int, map[string]any) {
		req := httptest.NewRequest("GET", url, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+web.CLIToken(secret))
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	tests := []struct {
		name    string
		url     string
		auth    bool
		status  int
		minCell float64
		comp    string
	}{
		{"no token", "/api/v1/impact", false, 401, 0, ""},
		{"defaults", "/api/v1/impact", true, 200, 5, "pre-post"},
		{"a larger cell is allowed", "/api/v1/impact?min_cell=10&comparison=pre-followup", true, 200, 10, "pre-followup"},
		{"a smaller cell is not", "/api/v1/impact?min_cell=3", true, 200, 5, "pre-post"},
		{"bad comparison", "/api/v1/impact?comparison=post-pre", true, 400, 0, ""},
		{"bad min cell", "/api/v1/impact?min_cell=many", true, 400, 0, ""},
		{"filter by modality", "/api/v1/impact?modality=balint", true, 200, 5, "pre-post"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out := get(tc.url, tc.auth)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, out)
			}
			if status != 200 {
				return
			}
			if out["min_cell"] != tc.minCell || out["comparison"] != tc.comp {
				t.Fatalf("min_cell %v comparison %v", out["min_cell"], out["comparison"])
			}
			results := out["results"].([]any)
			if len(results) == 0 {
				t.Fatal("no results")
			}
			for _, r := range results {
				row := r.(map[string]any)
				if row["suppressed"] == false && row["n_paired"].(float64) < tc.minCell {
					t.Fatalf("row below min cell shown: %v", row)
				}
				if tc.name == "filter by modality" && row["scope"] == "modality" && row["key"] != "balint" {
					t.Fatalf("filter ignored: %v", row["key"])
				}
			}
		})
	}
}
