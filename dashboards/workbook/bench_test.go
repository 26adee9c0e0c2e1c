package workbook

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// BenchmarkWorkbook times the funder and evaluator workbooks for the demo pilot (50 groups,
// about 2,400 responses), analysis included, as a download from the dashboards makes them.
// The 10⁶-row Responses sheet is measured by cmd/ppbench-xlsx, in a process of its own.
func BenchmarkWorkbook(b *testing.B) {
	ctx := context.Background()
	set, err := instrument.Load()
	if err != nil {
		b.Fatal(err)
	}
	db, err := ingest.Open(ctx, filepath.Join(b.TempDir(), "pilot.duckdb"), ingest.Options{Instruments: set})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(1)); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		write func(context.Context, io.Writer, *ingest.DB, *instrument.Set, Options) error
		o     Options
	}{
		{"funder pilot", Funder, Options{}},
		{"evaluator pilot with responses", Evaluator, Options{Responses: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if err := tc.write(ctx, io.Discard, db, set, tc.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
