package importer

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

const benchGroups = 4000

// benchFiles writes (once, into the temp folder) a groups file and a 1,000,000-row responses
// file: 500,000 participants across 4,000 groups, each with a baseline and an end response of all
// 32 items, as codes with now and then an option label.
func benchFiles(b *testing.B) (groups, responses string) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "peerpulse-bench")
	os.MkdirAll(dir, 0o755)
	groups, responses = filepath.Join(dir, "import-groups-v1.csv"), filepath.Join(dir, "import-responses-1e6-v1.csv")
	if _, err := os.Stat(responses); err == nil {
		return groups, responses
	}
	g, _ := os.Create(groups)
	fmt.Fprintln(g, "group_code,name,modality")
	for i := range benchGroups {
		fmt.Fprintf(g, "G-%04d,Group %d,balint\n", i, i)
	}
	g.Close()
	set := mustSet(b)
	spec := newResponseSpec(set)
	tmp := responses + ".part"
	f, _ := os.Create(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("response_id,group_code,participant_code,timepoint,submitted_at,profession")
	for _, it := range spec.items {
		w.WriteString("," + it.ID)
	}
	w.WriteString("\n")
	rnd := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	id := 0
	for p := range 500_000 {
		for _, tp := range []string{"pre", "post"} {
			id++
			at := start.Add(time.Duration(rnd.IntN(300*24)) * time.Hour)
			fmt.Fprintf(w, "R%07d,G-%04d,P%06d,%s,%s,GP", id, p%benchGroups, p, tp, at.Format(time.RFC3339))
			for _, it := range spec.items {
				code := 1 + rnd.IntN(5)
				if rnd.IntN(50) == 0 {
					w.WriteString("," + it.Options.Labels[code-1])
				} else {
					w.WriteString("," + string(rune('0'+code)))
				}
			}
			w.WriteString("\n")
		}
	}
	w.Flush()
	f.Close()
	os.Rename(tmp, responses)
	return groups, responses
}

// BenchmarkImport times importing 10⁶ responses next to DuckDB reading the same file into a
// table with read_csv, in the same run.
func BenchmarkImport(b *testing.B) {
	groups, responses := benchFiles(b)
	ctx := context.Background()
	b.Run("read_csv", func(b *testing.B) {
		for range b.N {
			db, _ := openBenchDB(b)
			if _, err := db.SQL().ExecContext(ctx, fmt.Sprintf(`CREATE TABLE t AS SELECT * FROM read_csv('%s')`, responses)); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("import", func(b *testing.B) {
		// As `peerpulse import` runs (cmd/peerpulse/import.go): GOGC=400.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		for range b.N {
			b.StopTimer()
			db, set := openBenchDB(b)
			if _, err := Run(ctx, db, set, Files{Groups: groups}, Options{}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := Run(ctx, db, set, Files{Responses: responses}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if res.Summaries[0].Imported != 1_000_000 {
				b.Fatalf("imported %d", res.Summaries[0].Imported)
			}
			db.Close()
			b.StartTimer()
		}
	})
}

func openBenchDB(b *testing.B) (*ingest.DB, *instrumentSet) {
	b.Helper()
	set := mustSet(b)
	db, err := ingest.Open(context.Background(), filepath.Join(b.TempDir(), "bench.duckdb"), ingest.Options{Instruments: set})
	if err != nil {
		b.Fatal(err)
	}
	return db, set
}
