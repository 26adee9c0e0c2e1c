package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// TestDistributionAgreesWithAnalyse checks the distribution's own reading of the counting rule
// against Analyse: the same paired n per measure, and the band means, weighted by their counts,
// give back the programme's mean change.
func TestDistributionAgreesWithAnalyse(t *testing.T) {
	ctx := context.Background()
	db, set := demotest.Pilot(t, 3)
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
		sp := res.Spread
		checkAgainstSQL(t, ctx, db, set, o, sp)
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
	db, set := demotest.Pilot(t, 3)
	res, err := Analyse(ctx, db, set, Options{MinCell: 100000})
	if err != nil {
		t.Fatal(err)
	}
	sp := res.Spread
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
	sp := res.Spread
	checkAgainstSQL(t, ctx, db, set, o, sp)
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

// checkAgainstSQL compares the engine's spread with DuckDB's: the same paired counts and
// suppression, quantiles and band means to 1e-9.
func checkAgainstSQL(t *testing.T, ctx context.Context, db *ingest.DB, set *instrument.Set, o Options, sp *Spread) {
	t.Helper()
	ref, err := sqlSpread(ctx, db, set, o)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b *float64) bool {
		return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) <= 1e-9*max(1, math.Abs(*b)))
	}
	for i, got := range sp.Measures {
		want := ref.Measures[i]
		if got.Measure != want.Measure || got.Suppressed != want.Suppressed || (got.NPaired == nil) != (want.NPaired == nil) ||
			(got.NPaired != nil && *got.NPaired != *want.NPaired) {
			t.Fatalf("%+v: spread %+v, DuckDB %+v", o, got, want)
		}
		if got.Suppressed {
			continue
		}
		for k, pair := range [][2]*Quantiles{{got.Pre, want.Pre}, {got.Later, want.Later}} {
			g, w := pair[0], pair[1]
			for j, v := range [][2]float64{{g.P10, w.P10}, {g.Q1, w.Q1}, {g.Median, w.Median}, {g.Q3, w.Q3}, {g.P90, w.P90}} {
				if !near(&v[0], &v[1]) {
					t.Fatalf("%+v %s: quantile %d of side %d: %v, DuckDB %v", o, got.Measure, j, k, v[0], v[1])
				}
			}
		}
	}
	for i, got := range sp.Dose {
		want := ref.Dose[i]
		if got.Measure != want.Measure || got.Band != want.Band || got.Suppressed != want.Suppressed || !near(got.MeanChange, want.MeanChange) ||
			(got.NPaired == nil) != (want.NPaired == nil) || (got.NPaired != nil && *got.NPaired != *want.NPaired) {
			t.Fatalf("%+v: band %+v, DuckDB %+v", o, got, want)
		}
	}
}

// sqlSpread is the independent reference for Results.Spread: the same figures computed in
// DuckDB (quantile_cont, its own reading of the counting rule), as the dashboards first did.
func sqlSpread(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (*Spread, error) {
	if o.Comparison == "" {
		o.Comparison = "pre-post"
	}
	later, ok := Comparisons[o.Comparison]
	if !ok {
		return nil, fmt.Errorf("analysis: unknown comparison %q (pre-post or pre-followup)", o.Comparison)
	}
	if o.MinCell == 0 {
		o.MinCell = 5
	}
	if o.MinCell < MinCellFloor {
		return nil, fmt.Errorf("analysis: min cell %d is below the floor of %d", o.MinCell, MinCellFloor)
	}
	ms, err := measures(set)
	if err != nil {
		return nil, err
	}
	rows, err := db.SQL().QueryContext(ctx, sqlSpreadQuery(ms),
		sql.Named("later", later), sql.Named("modality", o.Filter.Modality),
		sql.Named("region", o.Filter.Region), sql.Named("profession", o.Filter.Profession))
	if err != nil {
		return nil, fmt.Errorf("analysis: distribution: %w", err)
	}
	defer rows.Close()
	out := &Spread{MinCell: o.MinCell, Comparison: o.Comparison}
	bands := map[int][]DoseBand{}
	for rows.Next() {
		var band sql.NullInt64
		ns := make([]sql.NullInt64, len(ms))
		means := make([]sql.NullFloat64, len(ms))
		pre := make([][]sql.NullFloat64, len(ms))
		post := make([][]sql.NullFloat64, len(ms))
		dest := []any{&band}
		for i := range ms {
			pre[i], post[i] = make([]sql.NullFloat64, len(spreadProbs)), make([]sql.NullFloat64, len(spreadProbs))
			dest = append(dest, &ns[i], &means[i])
			for j := range spreadProbs {
				dest = append(dest, &pre[i][j])
			}
			for j := range spreadProbs {
				dest = append(dest, &post[i][j])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("analysis: distribution: %w", err)
		}
		for i, m := range ms {
			n := int(ns[i].Int64)
			if !band.Valid {
				s := MeasureSpread{Measure: m.ID, Suppressed: n < o.MinCell}
				if !s.Suppressed {
					s.NPaired, s.Pre, s.Later = count(n), sqlQuantiles(pre[i]), sqlQuantiles(post[i])
				}
				out.Measures = append(out.Measures, s)
				continue
			}
			b := DoseBand{Measure: m.ID, Band: BandLabel(DoseBands[band.Int64]), Suppressed: n < o.MinCell}
			if !b.Suppressed {
				b.NPaired, b.MeanChange = count(n), num(means[i].Float64, means[i].Valid)
			}
			bands[int(band.Int64)] = append(bands[int(band.Int64)], b)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analysis: distribution: %w", err)
	}
	if len(out.Measures) == 0 {
		for _, m := range ms {
			out.Measures = append(out.Measures, MeasureSpread{Measure: m.ID, Suppressed: true})
		}
	}
	// Every band of every measure, in measure order then band order; a band nobody attended is
	// a suppressed band (it holds no one), so the table shape does not depend on the data.
	for _, m := range ms {
		for bi, lim := range DoseBands {
			b := DoseBand{Measure: m.ID, Band: BandLabel(lim), Suppressed: true}
			for _, got := range bands[bi] {
				if got.Measure == m.ID {
					b = got
				}
			}
			out.Dose = append(out.Dose, b)
		}
	}
	return out, nil
}

func sqlQuantiles(v []sql.NullFloat64) *Quantiles {
	for _, x := range v {
		if !x.Valid {
			return nil
		}
	}
	return &Quantiles{P10: v[0].Float64, Q1: v[1].Float64, Median: v[2].Float64, Q3: v[3].Float64, P90: v[4].Float64}
}

// sqlSpreadQuery returns one row for the whole scope (band NULL) and one per dose band, each with
// per measure: paired n, mean change, and the quantiles of the pre and the later scores over the
// paired sample.
func sqlSpreadQuery(ms []Measure) string {
	var cols, aggs []string
	probs := make([]string, len(spreadProbs))
	for i, p := range spreadProbs {
		probs[i] = fmt.Sprint(p)
	}
	list := "[" + strings.Join(probs, ", ") + "]"
	for _, m := range ms {
		c := ingest.ScoreColumn(m.ID)
		cols = append(cols, fmt.Sprintf("any_value(%[1]s) FILTER (WHERE timepoint = 'pre') AS pre_%[2]s, any_value(%[1]s) FILTER (WHERE timepoint <> 'pre') AS later_%[2]s", c, m.ID))
		paired := fmt.Sprintf("pre_%[1]s IS NOT NULL AND later_%[1]s IS NOT NULL", m.ID)
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %[2]s), avg(later_%[1]s - pre_%[1]s) FILTER (WHERE %[2]s)", m.ID, paired))
		for _, tp := range []string{"pre", "later"} {
			for i := range spreadProbs {
				aggs = append(aggs, fmt.Sprintf("(quantile_cont(%s_%s, %s) FILTER (WHERE %s))[%d]", tp, m.ID, list, paired, i+1))
			}
		}
	}
	var band []string
	for i, b := range DoseBands {
		if b[1] < 0 {
			band = append(band, fmt.Sprintf("WHEN sessions >= %d THEN %d", b[0], i))
		} else {
			band = append(band, fmt.Sprintf("WHEN sessions BETWEEN %d AND %d THEN %d", b[0], b[1], i))
		}
	}
	return fmt.Sprintf(`WITH %s,
person AS (
	SELECT participant_id, any_value(profession) FILTER (WHERE timepoint = 'pre') AS profession, %s
	FROM counted GROUP BY participant_id),
att AS (SELECT participant_id, count(*) FILTER (WHERE attended) AS sessions FROM attendance GROUP BY participant_id),
banded AS (
	SELECT p.*, coalesce(a.sessions, 0) AS sessions
	FROM person p LEFT JOIN att a USING (participant_id)
	WHERE $profession = '' OR p.profession = $profession)
SELECT CASE WHEN grouping(band) = 1 THEN NULL ELSE band END, %s
FROM (SELECT *, CASE %s END AS band FROM banded)
GROUP BY GROUPING SETS ((), (band))`,
		countedCTE(ms), strings.Join(cols, ", "), strings.Join(aggs, ",\n\t"), strings.Join(band, " "))
}
