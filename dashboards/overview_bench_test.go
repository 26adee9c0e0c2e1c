package dashboards

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// benchScale makes about 10⁶ responses, as in analysis' benchmark: the demo pilot has about 48
// responses per group, so 420 × 50 groups ≈ 21,000 groups.
const benchScale = 420

// dashBenchDB returns this benchmark's own copy of the demo programme at scale: a copy of the
// analysis benchmark's file when it exists (so both measure the same data), else built here,
// once, and kept in the temp folder.
func dashBenchDB(b *testing.B, scale int) *ingest.DB {
	b.Helper()
	ctx := context.Background()
	set, _ := instrument.Load()
	dir := filepath.Join(os.TempDir(), "peerpulse-bench")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "dashboards-scale-"+strconv.Itoa(scale)+"-v1.duckdb")
	if _, err := os.Stat(path); err != nil {
		src := filepath.Join(dir, demo.ScaledFileName(scale))
		if data, err := os.ReadFile(src); err == nil {
			// Copied under a temporary name and renamed, as BuildScaled does, so that a copy cut
			// short is never taken for the database.
			tmp := path + ".building"
			os.Remove(tmp)
			if err := os.WriteFile(tmp, data, 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				b.Fatal(err)
			}
		} else {
			start := time.Now()
			if err := demo.BuildScaled(ctx, path, set, scale); err != nil {
				b.Fatal(err)
			}
			b.Logf("built %s in %v", path, time.Since(start))
		}
	}
	db, err := ingest.Open(ctx, path, ingest.Options{Instruments: set})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkOverview times GET /dashboards as an evaluator (session check, the analysis, the
// distribution, every figure and the page) on the demo pilot and on a programme of about 10⁶
// responses, beside the analysis alone on the same data in the same run, for a ratio that
// survives a busy machine.
func BenchmarkOverview(b *testing.B) {
	set, _ := instrument.Load()
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		scale int
	}{{"pilot", 1}, {"1e6 responses", benchScale}} {
		db := dashBenchDB(b, tc.scale)
		store := accounts.NewStore(db.SQL(), fastParams)
		a, err := store.Add(ctx, "bench@example.nhs.uk", accounts.Evaluator, nil, "bench password 123")
		if err != nil {
			list, lerr := store.List(ctx)
			if lerr != nil {
				b.Fatal(err)
			}
			for _, x := range list {
				if x.Email == "bench@example.nhs.uk" {
					a = x
				}
			}
		}
		secret, err := store.StartSession(ctx, a.ID, accounts.DefaultSessionLimits)
		if err != nil {
			b.Fatal(err)
		}
		app := web.NewApp(web.Options{CSRFKey: testCSRFKey})
		if err := Register(app, Deps{DB: db, Instruments: set, MinCell: 5, MinCellFunder: 10, Accounts: store}); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/page", func(b *testing.B) {
			for range b.N {
				req := httptest.NewRequest("GET", "/dashboards", nil)
				req.Header.Set("Accept", "text/html")
				req.Header.Set("Cookie", sessionCookie+"="+secret)
				resp, err := app.Test(req, -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("GET /dashboards: %v %v", resp.StatusCode, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
		b.Run(tc.name+"/analysis only", func(b *testing.B) {
			for range b.N {
				if _, err := analysis.Run(ctx, db, set, analysis.Options{MinCell: 5}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
