package analysis

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// alphaRows is the Cronbach's α fixture of INSTRUMENTS.md §7: 10 respondents × 7 work items,
// points after reversal; α = 0.954647796719.
var alphaRows = [][7]float64{
	{75, 75, 50, 75, 50, 50, 75}, {50, 50, 50, 50, 25, 25, 50}, {100, 75, 75, 100, 75, 50, 75}, {25, 25, 50, 50, 25, 0, 25},
	{75, 50, 75, 75, 50, 50, 50}, {50, 25, 25, 50, 25, 25, 50}, {100, 100, 75, 100, 75, 75, 100}, {25, 50, 25, 25, 0, 25, 25},
	{75, 75, 75, 50, 50, 25, 50}, {50, 50, 25, 75, 50, 25, 75},
}

// workAnswers turns a row of points into answer codes (cbi_w7 is reversed).
func workAnswers(row [7]float64) map[string]int {
	a := map[string]int{}
	for i, p := range row {
		code := int(p/25) + 1
		if i == 6 {
			code = int((100-p)/25) + 1
		}
		a[fmt.Sprintf("cbi_w%d", i+1)] = code
	}
	return a
}

func qualityDB(t *testing.T) (*ingest.DB, *instrument.Set) {
	t.Helper()
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "q.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	day := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	b := &ingest.Batch{Groups: []ingest.Group{{Code: "G1", Name: "Group one", Modality: "balint", Region: "London"},
		{Code: "G2", Name: "Group two", Modality: "coaching", Region: "Midlands"}}}
	for i, row := range alphaRows {
		b.Responses = append(b.Responses, ingest.Response{GroupCode: "G1", ParticipantCode: fmt.Sprintf("P%02d", i), Timepoint: "pre",
			SubmittedAt: day, Source: "import", Answers: workAnswers(row)})
	}
	// An earlier baseline of P00 that the counting rule must ignore (it would change α), an
	// incomplete baseline (left out listwise; it counts as asked with cbi_w1 missing), and a
	// group outside the modality filter.
	b.Responses = append(b.Responses,
		ingest.Response{GroupCode: "G1", ParticipantCode: "P00", Timepoint: "pre", SubmittedAt: day.Add(-time.Hour), Source: "import",
			Answers: workAnswers([7]float64{0, 100, 0, 100, 0, 100, 0})},
		ingest.Response{GroupCode: "G1", ParticipantCode: "P99", Timepoint: "pre", SubmittedAt: day, Source: "import",
			Answers: map[string]int{"cbi_w2": 3, "cbi_w3": 3, "cbi_w4": 3, "cbi_w5": 3}},
		ingest.Response{GroupCode: "G2", ParticipantCode: "Q1", Timepoint: "pre", SubmittedAt: day, Source: "import",
			Answers: map[string]int{"cbi_w1": 1, "nss_leave1": 2}})
	if _, err := db.Load(ctx, set, b); err != nil {
		t.Fatal(err)
	}
	return db, set
}

func TestDataQuality(t *testing.T) {
	db, set := qualityDB(t)
	q, err := DataQuality(context.Background(), db, set, Options{MinCell: 5, Filter: Filter{Modality: "balint"}})
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]ItemMissing{}
	for _, it := range q.Items {
		items[it.ItemID] = it
	}
	// G1 holds 12 CBI questionnaires (the earlier P00 counts: missing answers are per
	// questionnaire, not per counted response).
	for _, tc := range []struct {
		item           string
		asked, missing int
	}{{"cbi_w1", 12, 1}, {"cbi_w7", 12, 1}, {"cbi_p1", 12, 12}} {
		got := items[tc.item]
		if got.Suppressed || *got.Asked != tc.asked || *got.Missing != tc.missing {
			t.Errorf("%s: %+v, want asked %d missing %d", tc.item, got, tc.asked, tc.missing)
		}
	}
	if m := items["nss_leave1"]; !m.Suppressed || m.Asked != nil {
		t.Errorf("morale in balint groups: %+v, want suppressed (no questionnaire)", m)
	}
	for _, r := range q.Reliability {
		switch r.Measure {
		case "cbi_work":
			if r.Suppressed || *r.Complete != 10 || math.Abs(*r.Alpha-0.954647796719) > 1e-11 {
				t.Errorf("cbi_work: %+v, want 10 complete cases and α 0.954647796719", r)
			}
			rows := make([][]float64, len(alphaRows))
			for i := range alphaRows {
				rows[i] = alphaRows[i][:]
			}
			if want, _ := CronbachAlpha(rows); math.Abs(*r.Alpha-want) > 1e-12 {
				t.Errorf("α %v, CronbachAlpha %v", *r.Alpha, want)
			}
		default:
			if !r.Suppressed || r.Alpha != nil {
				t.Errorf("%s: %+v, want suppressed", r.Measure, r)
			}
		}
	}
}
