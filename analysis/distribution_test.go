package analysis

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// TestDistributionAgreesWithAnalyse checks the distribution's own reading of the counting rule
// against Analyse: the same paired n per measure, and the band means, weighted by their counts,
// give back the programme's mean change.
func TestDistributionAgreesWithAnalyse(t *testing.T) {
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "dist.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(3)); err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{
		{MinCell: 3},
		{MinCell: 3, Comparison: "pre-followup"},
		{MinCell: 3, Filter: Filter{Modality: "balint"}},
		{MinCell: 3, Filter: Filter{Profession: "GP"}},
		{MinCell: 3, Filter: Filter{Region: "London"}},
	} {
		res, err := Analyse(ctx, db, set, o)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := Distribution(ctx, db, set, o)
		if err != nil {
			t.Fatal(err)
		}
		overall := map[string]Row{}
		for _, r := range res.Results {
			if r.Scope == "overall" {
				overall[r.Measure] = r
			}
		}
		for _, s := range sp.Measures {
			r := overall[s.Measure]
			if s.Suppressed != r.Suppressed {
				t.Fatalf("%+v %s: suppressed %v, Analyse %v", o, s.Measure, s.Suppressed, r.Suppressed)
			}
			if s.Suppressed {
				if s.NPaired != nil || s.Pre != nil {
					t.Fatalf("%+v %s: a suppressed spread carries numbers", o, s.Measure)
				}
				continue
			}
			if *s.NPaired != r.NPaired {
				t.Fatalf("%+v %s: paired n %d, Analyse %d", o, s.Measure, *s.NPaired, r.NPaired)
			}
			for _, q := range []*Quantiles{s.Pre, s.Later} {
				if !(q.P10 <= q.Q1 && q.Q1 <= q.Median && q.Median <= q.Q3 && q.Q3 <= q.P90) {
					t.Fatalf("%+v %s: quantiles out of order: %+v", o, s.Measure, q)
				}
			}
			var n int
			var sum float64
			complete := true
			for _, b := range sp.Dose {
				if b.Measure != s.Measure {
					continue
				}
				if b.Suppressed {
					complete = false
					continue
				}
				n += *b.NPaired
				sum += float64(*b.NPaired) * *b.MeanChange
			}
			if complete && (n != r.NPaired || math.Abs(sum/float64(n)-*r.MeanChange) > 1e-9) {
				t.Fatalf("%+v %s: bands give n %d mean %v, Analyse %d %v", o, s.Measure, n, sum/float64(n), r.NPaired, *r.MeanChange)
			}
		}
		if len(sp.Dose) != len(MeasureIDs)*len(DoseBands) {
			t.Fatalf("%d dose rows", len(sp.Dose))
		}
	}
}

// TestDistributionSuppression: below min cell nothing but the identity is returned.
func TestDistributionSuppression(t *testing.T) {
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "dist.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Write(ctx, db, set, demo.DefaultOptions(3)); err != nil {
		t.Fatal(err)
	}
	sp, err := Distribution(ctx, db, set, Options{MinCell: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sp.Measures {
		if !s.Suppressed || s.NPaired != nil || s.Pre != nil || s.Later != nil {
			t.Fatalf("not suppressed: %+v", s)
		}
	}
	for _, b := range sp.Dose {
		if !b.Suppressed || b.NPaired != nil || b.MeanChange != nil {
			t.Fatalf("band not suppressed: %+v", b)
		}
	}
	if _, err := Distribution(ctx, db, set, Options{MinCell: 2}); err == nil {
		t.Fatal("a min cell below the floor was accepted")
	}
}

func TestBandLabel(t *testing.T) {
	for _, tc := range []struct {
		b    [2]int
		want string
	}{{[2]int{0, 2}, "0–2"}, {[2]int{9, -1}, "9 or more"}} {
		if got := BandLabel(tc.b); got != tc.want {
			t.Errorf("BandLabel(%v) = %q, want %q", tc.b, got, tc.want)
		}
	}
}

// TestDistributionCountingRuleTies: tied baselines resolved by the response id, as numbers when
// both ids are numeric ("10" over "9") and as text otherwise ("9a" over "10"); the band mean must
// equal Analyse's mean change, which follows INSTRUMENTS.md §4.
func TestDistributionCountingRuleTies(t *testing.T) {
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "ties.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	work := func(code int) map[string]int {
		a := map[string]int{}
		for i := 1; i <= 6; i++ {
			a[fmt.Sprintf("cbi_w%d", i)] = code
		}
		return a
	}
	b := &ingest.Batch{Groups: []ingest.Group{{Code: "G1", Name: "Group one", Modality: "balint"}}}
	add := func(p, tp, id string, when time.Time, code int) {
		b.Responses = append(b.Responses, ingest.Response{ResponseID: id, GroupCode: "G1", ParticipantCode: p, Timepoint: tp,
			SubmittedAt: when, Source: "import", Answers: work(code)})
	}
	add("P1", "pre", "9", at, 5)
	add("P1", "pre", "10", at, 2) // numeric: 10 > 9, counts
	add("P2", "pre", "9a", at, 2) // text: "9a" > "10", counts
	add("P2", "pre", "10b", at, 5)
	add("P3", "pre", "p3-old", at.Add(-time.Hour), 1)
	add("P3", "pre", "p3-new", at, 4) // the latest counts
	add("P4", "pre", "p4", at, 3)
	for i, p := range []string{"P1", "P2", "P3", "P4"} {
		add(p, "post", "post-"+p, at.AddDate(0, 3, 0), 1+i%3)
	}
	if _, err := db.Load(ctx, set, b); err != nil {
		t.Fatal(err)
	}
	o := Options{MinCell: 3}
	res, err := Analyse(ctx, db, set, o)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Distribution(ctx, db, set, o)
	if err != nil {
		t.Fatal(err)
	}
	var want Row
	for _, r := range res.Results {
		if r.Scope == "overall" && r.Measure == "cbi_work" {
			want = r
		}
	}
	for _, d := range sp.Dose {
		if d.Measure == "cbi_work" && d.Band == "0–2" {
			if d.Suppressed || *d.NPaired != 4 || math.Abs(*d.MeanChange-*want.MeanChange) > 1e-9 {
				t.Fatalf("band 0–2: %+v, Analyse n %d mean change %v", d, want.NPaired, *want.MeanChange)
			}
			return
		}
	}
	t.Fatal("no band 0–2")
}
