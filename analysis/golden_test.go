package analysis

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDemoPilotGolden pins the whole results document for the demo pilot (seed 1). Numbers are
// compared to 1e-12 relative, because DuckDB's parallel sums may differ in the last bits.
func TestDemoPilotGolden(t *testing.T) {
	ctx := context.Background()
	db, set := demotest.Pilot(t, 1)
	for _, comparison := range []string{"pre-post", "pre-followup"} {
		res, err := Run(ctx, db, set, Options{Comparison: comparison, Now: func() time.Time { return time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.MarshalIndent(res, "", "  ")
		path := filepath.Join("testdata", "demo_"+comparison+".golden.json")
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./analysis -run Golden -update)", err)
		}
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal(want, &w)
		if diff := jsonDiff("", g, w); diff != "" {
			t.Errorf("%s differs from %s: %s", comparison, path, diff)
		}
	}
}

func jsonDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: %v, want %v", path, got, want)
		}
		for k := range w {
			if d := jsonDiff(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: length differs", path)
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
			return fmt.Sprintf("%s: %v, want %v", path, got, want)
		}
	default:
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Sprintf("%s: %v, want %v", path, got, want)
		}
	}
	return ""
}
