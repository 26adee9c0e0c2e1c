package analysis

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// nationalScale makes about 10⁶ responses: the pilot has ~48 responses per group (baseline,
// end, some follow-ups and session pulses), so 420 × 50 groups ≈ 21,000 groups.
const nationalScale = 420

// benchDB returns a database holding the demo programme at scale, building it once and keeping
// it in the temp folder across runs (it takes a minute to generate).
func benchDB(b *testing.B, scale int) *ingest.DB {
	b.Helper()
	ctx := context.Background()
	set, _ := instrument.Load()
	path := filepath.Join(os.TempDir(), "peerpulse-bench", demo.ScaledFileName(scale))
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := demo.BuildScaled(ctx, path, set, scale); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", path, time.Since(start))
	}
	db, err := ingest.Open(ctx, path, ingest.Options{Instruments: set})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
	b.ReportMetric(float64(n), "responses")
	return db
}

// BenchmarkAnalyse times a full analysis (all measures × all scopes, with disclosure control and
// the delivery figures) on the demo pilot and on a programme of about 10⁶ responses.
func BenchmarkAnalyse(b *testing.B) {
	set, _ := instrument.Load()
	for _, tc := range []struct {
		name   string
		scale  int
		writer bool
	}{{"pilot", 1, false}, {"1e6 responses", nationalScale, false}, {"1e6 responses, submissions writer running", nationalScale, true}} {
		b.Run(tc.name, func(b *testing.B) {
			db := benchDB(b, tc.scale)
			ctx := context.Background()
			if tc.writer {
				// As in the server: DuckDB keeps to one thread for the writer, and the analysis
				// asks for every thread while it runs.
				w, err := db.NewWriter(ctx, ingest.WriterOptions{})
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
			}
			b.ResetTimer()
			for range b.N {
				if _, err := Analyse(ctx, db, set, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
