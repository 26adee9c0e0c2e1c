package demo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ScaledFileName is the file name of the cached benchmark database holding the demo programme
// at scale (seed 1), as BuildScaled makes it. The analysis and dashboards benchmarks and
// ppbench-xlsx share it, so that one build of a national-sized programme serves them all; the
// version suffix changes whenever the generated data would.
func ScaledFileName(scale int) string {
	return "analysis-scale-" + strconv.Itoa(scale) + "-v1.duckdb"
}

// BuildScaled writes the demo programme at scale (seed 1, default dates) into a new database
// at path, creating its folder. It builds into path+".building" and renames that to path only
// when complete, so that a file at path is always a finished database and an interrupted
// build is started again rather than used. Groups are loaded 500 at a time, so that a
// national-sized programme never has to fit in memory at once.
func BuildScaled(ctx context.Context, path string, set *instrument.Set, scale int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	building := path + ".building"
	os.Remove(building)
	db, err := ingest.Open(ctx, building, ingest.Options{Instruments: set})
	if err != nil {
		return err
	}
	o := DefaultOptions(1)
	o.Scale = scale
	err = GenerateEach(set, o, 500, func(b *ingest.Batch) error {
		_, err := db.Load(ctx, set, b)
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(building, path)
}
