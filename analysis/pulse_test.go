package analysis

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func TestPulse(t *testing.T) {
	ctx := context.Background()
	set, _ := instrument.Load()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "p.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	b := &ingest.Batch{Groups: []ingest.Group{{Code: "G1", Name: "Group one", Modality: "balint"}},
		Sessions: []ingest.Session{{GroupCode: "G1", No: 1, Date: day, FacilitatorMinutes: 90}, {GroupCode: "G1", No: 2, Date: day.AddDate(0, 0, 7), FacilitatorMinutes: 90}}}
	// Session 1: 12 responses, codes 1..5 cycling for pulse_useful; three comments (one blank).
	var useful []int
	for i := range 12 {
		code := i%5 + 1
		useful = append(useful, code)
		r := ingest.Response{GroupCode: "G1", ParticipantCode: fmt.Sprintf("P%d", i), Timepoint: "session", SessionNo: 1,
			SubmittedAt: day.Add(time.Duration(i) * time.Minute), Source: "import", Answers: map[string]int{"pulse_useful": code, "pulse_open": 4}}
		switch i {
		case 0:
			r.Texts = map[string]string{"pulse_comment": "Zebra <b>crossing</b>"}
		case 1:
			r.Texts = map[string]string{"pulse_comment": "Apples"}
		case 2:
			r.Texts = map[string]string{"pulse_comment": "   "}
		}
		b.Responses = append(b.Responses, r)
	}
	for i := range 4 {
		b.Responses = append(b.Responses, ingest.Response{GroupCode: "G1", ParticipantCode: fmt.Sprintf("P%d", i), Timepoint: "session", SessionNo: 2,
			SubmittedAt: day.AddDate(0, 0, 7), Source: "import", Answers: map[string]int{"pulse_useful": 5}, Texts: map[string]string{"pulse_comment": "secret"}})
	}
	if _, err := db.Load(ctx, set, b); err != nil {
		t.Fatal(err)
	}
	got, err := Pulse(ctx, db, set, "G1", 5, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d sessions", len(got))
	}
	s1, s2 := got[0], got[1]
	if s1.Suppressed || *s1.Respondents != 12 {
		t.Fatalf("session 1: %+v", s1)
	}
	var sum, top float64
	for _, c := range useful {
		sum += float64(c)
		if c >= 4 {
			top++
		}
	}
	for _, it := range s1.Items {
		switch it.ItemID {
		case "pulse_useful":
			if it.Answered != 12 || math.Abs(*it.Mean-sum/12) > 1e-12 || math.Abs(*it.Agree-top/12) > 1e-12 {
				t.Errorf("pulse_useful: %+v, want mean %v agree %v", it, sum/12, top/12)
			}
		case "pulse_recommend":
			if it.Answered != 0 || it.Mean != nil {
				t.Errorf("pulse_recommend: %+v, want nobody", it)
			}
		}
	}
	if !slices.Equal(s1.Comments, []string{"Apples", "Zebra <b>crossing</b>"}) {
		t.Errorf("comments %q", s1.Comments)
	}
	if !s2.Suppressed || s2.Respondents != nil || s2.Items != nil || s2.Comments != nil {
		t.Errorf("session 2 with 4 responses: %+v, want suppressed", s2)
	}
	// Without comments (funders never get here, facilitators do not see pulse scores at all),
	// and at a min cell above 12.
	got, _ = Pulse(ctx, db, set, "G1", 5, false)
	if got[0].Comments != nil {
		t.Error("comments returned without withComments")
	}
	got, _ = Pulse(ctx, db, set, "G1", 13, true)
	if !got[0].Suppressed {
		t.Error("a min cell of 13 did not suppress 12 responses")
	}
}
