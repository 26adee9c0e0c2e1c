package analysis

import (
	"context"
	"math"
	"path/filepath"
	"testing"

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
