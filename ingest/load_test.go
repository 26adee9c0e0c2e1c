package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func counts(t *testing.T, db *DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"groups", "sessions", "participants", "attendance", "responses", "answers", "text_answers", "scale_scores", "programme_settings"} {
		var n int
		if err := db.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(parts, " ")
}

func smallBatch() *Batch {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	return &Batch{
		Settings:   map[string]string{SettingProgrammeName: "Test pilot"},
		Groups:     []Group{{Code: "BAL-01", Name: "Balint, Leeds", Modality: "balint", Region: "North East and Yorkshire"}},
		Sessions:   []Session{{GroupCode: "BAL-01", No: 1, Date: day, Topic: "=HYPERLINK(\"x\")"}},
		Attendance: []Attendance{{GroupCode: "BAL-01", SessionNo: 1, ParticipantCode: "ACD347", Attended: true}},
		Responses: []Response{
			{GroupCode: "BAL-01", ParticipantCode: "ACD347", Timepoint: "pre", SubmittedAt: day, Source: "demo",
				// The INSTRUMENTS.md §2 fixture: personal 4,3,4,2,4,blank → 60; patient with 2 answered → invalid.
				Answers: map[string]int{"cbi_p1": 4, "cbi_p2": 3, "cbi_p3": 4, "cbi_p4": 2, "cbi_p5": 4, "cbi_c1": 3, "cbi_c2": 2}},
			{GroupCode: "BAL-01", ParticipantCode: "ACD347", Timepoint: "session", SessionNo: 1, SubmittedAt: day, Source: "demo",
				Answers: map[string]int{"pulse_open": 5}, Texts: map[string]string{"pulse_comment": "+cmd stays text"}},
		},
	}
}

func TestLoadScoresAndLinks(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	defer db.Close()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Load(ctx, set, smallBatch())
	if err != nil {
		t.Fatal(err)
	}
	if res.Groups != 1 || res.Participants != 1 || res.Responses != 2 || res.Answers != 8 {
		t.Fatalf("result %+v", res)
	}
	var personal float64
	var patient sql.NullFloat64
	err = db.SQL().QueryRow(`SELECT
		(SELECT score FROM scale_scores WHERE scale = 'cbi_personal'),
		(SELECT score FROM scale_scores WHERE scale = 'cbi_patient')`).Scan(&personal, &patient)
	if err != nil || personal != 60 || patient.Valid {
		t.Fatalf("personal %v, patient %v (want 60 and NULL): %v", personal, patient, err)
	}
	var token, pulse, topic, comment string
	db.SQL().QueryRow(`SELECT g.invite_token, s.pulse_token, s.topic, t.value FROM groups g JOIN sessions s USING (group_id), text_answers t`).
		Scan(&token, &pulse, &topic, &comment)
	if len(token) < 22 || len(pulse) < 22 || token == pulse {
		t.Fatalf("tokens must be 128-bit and distinct: %q %q", token, pulse)
	}
	if topic != `=HYPERLINK("x")` || comment != "+cmd stays text" {
		t.Fatalf("text must be stored as given: %q %q", topic, comment)
	}
	var ids string
	db.SQL().QueryRow(`SELECT string_agg(response_id, ',' ORDER BY response_key) FROM responses`).Scan(&ids)
	if !strings.HasPrefix(ids, "pp-") {
		t.Fatalf("assigned response ids: %s", ids)
	}
}

func TestLoadIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	set, _ := instrument.Load()
	tests := []struct {
		name    string
		mutate  func(b *Batch)
		wantErr string
	}{
		{"unknown group", func(b *Batch) { b.Responses[1].GroupCode = "NOPE-1" }, `unknown group "NOPE-1"`},
		{"unknown item", func(b *Batch) { b.Responses[0].Answers["cbi_p9"] = 1 }, `unknown item "cbi_p9"`},
		{"code out of range", func(b *Batch) { b.Responses[0].Answers["cbi_p1"] = 6 }, "cbi_p1"},
		// Row checks belong to callers (the importer validates every row first); the schema is the last guard.
		{"bad modality", func(b *Batch) { b.Groups[0].Modality = "yoga" }, "CHECK constraint failed on table groups"},
		{"missing session", func(b *Batch) { b.Attendance[0].SessionNo = 4 }, "has no session 4"},
		{"duplicate response id", func(b *Batch) { b.Responses[0].ResponseID, b.Responses[1].ResponseID = "r1", "r1" }, "r1"},
		{"no answered item", func(b *Batch) { b.Responses[0].Answers = nil }, "no answered item"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTemp(t)
			defer db.Close()
			before := counts(t, db)
			b := smallBatch()
			tc.mutate(b)
			_, err := db.Load(ctx, set, b)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
			if after := counts(t, db); after != before {
				t.Fatalf("a failed load wrote something:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
