package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConsoleRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t)
	g := Group{Code: "MC-01", Name: "Monday Balint", Modality: "balint", Region: "London"}
	if err := db.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateGroup(ctx, g); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second group with one code: %v", err)
	}
	if err := db.CreateGroup(ctx, Group{Code: "bad code!", Name: "x", Modality: "balint"}); err == nil {
		t.Fatal("a bad code was stored")
	}
	g.Name, g.Capacity = "Monday Balint (renamed)", 14
	if err := db.UpdateGroup(ctx, "MC-01", g); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateGroup(ctx, "NOPE", g); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update unknown: %v", err)
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		no, err := db.SaveSession(ctx, Session{GroupCode: "MC-01", Date: day.AddDate(0, 0, 7*i), FacilitatorMinutes: 100, Topic: "t"})
		if err != nil || no != i+1 {
			t.Fatalf("session %d: no %d, %v", i+1, no, err)
		}
	}
	if _, err := db.SaveSession(ctx, Session{GroupCode: "MC-01", No: 2, Date: day, FacilitatorMinutes: 120, Topic: "changed"}); err != nil {
		t.Fatal(err)
	}
	sessions, err := db.SessionRecords(ctx, "MC-01")
	if err != nil || len(sessions) != 2 || sessions[1].FacilitatorMinutes != 120 || sessions[1].Topic != "changed" || sessions[0].PulseToken == "" {
		t.Fatalf("sessions %+v %v", sessions, err)
	}
	for _, code := range []string{"AAA-111", "BBB-222", "CCC-333"} {
		if _, err := db.sql.Exec(`INSERT INTO participant_codes SELECT nextval('participant_id_seq'), group_id, ?, now() FROM groups WHERE group_code = 'MC-01'`, code); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordAttendance(ctx, "MC-01", 1, []string{"AAA-111", "ZZZ-999"}); err == nil || !strings.Contains(err.Error(), "ZZZ-999") {
		t.Fatalf("unknown code: %v", err)
	}
	if err := db.RecordAttendance(ctx, "MC-01", 1, []string{"AAA-111", "CCC-333"}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordAttendance(ctx, "MC-01", 1, []string{"BBB-222", "CCC-333"}); err != nil {
		t.Fatal(err)
	}
	att, err := db.SessionAttendance(ctx, "MC-01", 1)
	if err != nil || len(att) != 3 || att[0].Attended || !att[1].Attended || !att[2].Attended {
		t.Fatalf("attendance %+v %v", att, err)
	}
	if err := db.RecordAttendance(ctx, "MC-01", 9, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	if err := db.CloseGroup(ctx, "MC-01"); err != nil {
		t.Fatal(err)
	}
	rec, err := db.GroupRecord(ctx, "MC-01")
	if err != nil || !rec.Closed || rec.Name != g.Name || rec.Capacity != 14 || rec.SessionsHeld != 2 || rec.MinutesUsed != 220 || rec.Participants != 3 {
		t.Fatalf("record %+v %v", rec, err)
	}
	if all, err := db.GroupRecords(ctx, nil); err != nil || len(all) != 1 {
		t.Fatalf("all groups: %+v %v", all, err)
	}
	if none, err := db.GroupRecords(ctx, []string{}); err != nil || len(none) != 0 {
		t.Fatalf("no groups asked for: %+v %v", none, err)
	}
}
