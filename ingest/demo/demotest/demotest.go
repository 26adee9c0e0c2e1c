// Package demotest gives tests a real DuckDB file holding the synthetic demo pilot, so each test
// package does not repeat the open, load and clean-up steps.
package demotest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Pilot opens a new DuckDB file in the test's temporary folder, writes the demo pilot of seed
// into it (demo.DefaultOptions), and closes the file when the test ends.
func Pilot(tb testing.TB, seed uint64) (*ingest.DB, *instrument.Set) {
	tb.Helper()
	ctx := context.Background()
	set, err := instrument.Load()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := ingest.Open(ctx, filepath.Join(tb.TempDir(), "pilot.duckdb"), ingest.Options{Threads: 2})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(seed)); err != nil {
		tb.Fatal(err)
	}
	return db, set
}
