package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// TestPeopleSpans checks that reading participants in spans changes no result: spans of a
// hundred and of a dozen participants give the document a single query gives, for both
// comparisons and with a profession filter. A participant lost or counted twice at a span's
// edge would change counts and means.
func TestPeopleSpans(t *testing.T) {
	ctx := context.Background()
	db, set := demotest.Pilot(t, 2)
	now := func() time.Time { return time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC) }
	defer func(n int64) { spanPeople = n }(spanPeople)
	options := []Options{
		{Comparison: "pre-post", Now: now},
		{Comparison: "pre-followup", Now: now},
		{Comparison: "pre-post", Now: now, Filter: Filter{Profession: "nurse"}},
	}
	for _, o := range options {
		spanPeople = math.MaxInt32 // one query
		one, err := Run(ctx, db, set, o)
		if err != nil {
			t.Fatal(err)
		}
		want := asJSON(t, one)
		for _, size := range []int64{97, 11} {
			t.Run(fmt.Sprintf("%s/%s/%d", o.Comparison, o.Filter.Profession, size), func(t *testing.T) {
				spanPeople = size
				res, err := Run(ctx, db, set, o)
				if err != nil {
					t.Fatal(err)
				}
				if diff := jsonDiff("", asJSON(t, res), want); diff != "" {
					t.Errorf("spans of %d differ from one query: %s", size, diff)
				}
			})
		}
	}
}

// TestPeopleSpansCover checks the spans themselves: in order, touching, and open at both ends.
func TestPeopleSpansCover(t *testing.T) {
	ctx := context.Background()
	db, _ := demotest.Pilot(t, 2)
	defer func(n int64) { spanPeople = n }(spanPeople)
	spanPeople = 50
	spans, n, err := peopleSpans(ctx, db.SQL())
	if err != nil {
		t.Fatal(err)
	}
	if want := (n + 49) / 50; int64(len(spans)) != want || n == 0 {
		t.Fatalf("%d participants gave %d spans, want %d", n, len(spans), want)
	}
	if spans[0].lo != math.MinInt32 || spans[len(spans)-1].hi != math.MaxInt32 {
		t.Errorf("spans are not open ended: %+v … %+v", spans[0], spans[len(spans)-1])
	}
	for i := 1; i < len(spans); i++ {
		if spans[i].lo != spans[i-1].hi+1 || spans[i].hi < spans[i].lo {
			t.Errorf("span %d %+v does not follow %+v", i, spans[i], spans[i-1])
		}
	}
}

func asJSON(t *testing.T, res *Results) any {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSpanSizeFromMemoryLimit reads DuckDB's own spelling of its memory limit (rounded to one
// decimal, hence 5%): the span size follows the limit, so a report at 64 MB reads a national
// programme in spans of about 32,000 participants while the server, at most of the machine's
// memory, reads it in one.
func TestSpanSizeFromMemoryLimit(t *testing.T) {
	ctx := context.Background()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		limit string
		bytes float64
	}{{"64MB", 64e6}, {"100MB", 100e6}, {"1GB", 1e9}, {"3.5GB", 3.5e9}, {"20MB", 20e6}} {
		t.Run(tc.limit, func(t *testing.T) {
			db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), ingest.Options{Instruments: set, MemoryLimit: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var spelled string
			if err := db.SQL().QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&spelled); err != nil {
				t.Fatal(err)
			}
			if got := float64(bytesOf(spelled)); math.Abs(got-tc.bytes) > 0.05*tc.bytes {
				t.Errorf("%s is spelled %q, read as %.0f bytes", tc.limit, spelled, got)
			}
		})
	}
	for _, s := range []string{"", "lots", "-1 MiB", "12 parsecs"} {
		if b := bytesOf(s); b != 0 {
			t.Errorf("bytesOf(%q) = %d, want 0 (smallest spans)", s, b)
		}
	}
}
