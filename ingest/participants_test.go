package ingest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// participantCount is how many participants the view lists for a code of BAL-01.
func participantCount(t *testing.T, db *DB, code string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM participants p JOIN groups g USING (group_id)
		WHERE g.group_code = 'BAL-01' AND p.code = ?`, code).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// participantIDsOf lists the participant ids of the stored responses with these client ids.
func participantIDsOf(t *testing.T, db *DB, clients ...string) map[int32]bool {
	t.Helper()
	ids := map[int32]bool{}
	for _, c := range clients {
		var id int32
		if err := db.SQL().QueryRow(`SELECT participant_id FROM responses WHERE client_id = ?`, c).Scan(&id); err != nil {
			t.Fatalf("response %s: %v", c, err)
		}
		ids[id] = true
	}
	return ids
}

// Since migration 3 the participants view has no UNIQUE constraint, so every path that creates
// participants must find an existing code itself: the writer (a code introduced by a response,
// a registered code, after a restart) and the bulk loader (import, demo).
func TestParticipantCodesStayUniqueOnEveryPath(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{})
	ctx := context.Background()
	submit := func(w *Writer, client, code string) {
		t.Helper()
		if _, err := w.Submit(ctx, scored(t, set, client, code, 1)); err != nil {
			t.Fatalf("submit %s for %s: %v", client, code, err)
		}
	}
	// A response introduces its participant; a later one of the same code reuses it.
	submit(w, "web-1", "WEB001")
	submit(w, "web-2", "WEB001")
	if n, ids := participantCount(t, db, "WEB001"), participantIDsOf(t, db, "web-1", "web-2"); n != 1 || len(ids) != 1 {
		t.Fatalf("WEB001: %d participants, %d ids across its responses; want 1 and 1", n, len(ids))
	}
	var carriers int
	db.SQL().QueryRow(`SELECT count(*) FROM responses WHERE new_participant_code = 'WEB001'`).Scan(&carriers)
	if carriers != 1 {
		t.Fatalf("%d responses carry the code WEB001, want 1 (the first)", carriers)
	}
	// Many first responses of one new code at once (one batch or several): one participant.
	var wg sync.WaitGroup
	var burst []string
	for i := range 16 {
		client := fmt.Sprintf("burst-%d", i)
		burst = append(burst, client)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.Submit(ctx, scored(t, set, client, "BURST1", 1)); err != nil {
				t.Errorf("submit %s: %v", client, err)
			}
		}()
	}
	wg.Wait()
	if n, ids := participantCount(t, db, "BURST1"), participantIDsOf(t, db, burst...); n != 1 || len(ids) != 1 {
		t.Fatalf("BURST1: %d participants, %d ids; want 1 and 1", n, len(ids))
	}
	// A registered code is used by its responses; a code in use cannot be registered again.
	if err := w.RegisterParticipant(ctx, "BAL-01", "REG001"); err != nil {
		t.Fatal(err)
	}
	submit(w, "reg-1", "REG001")
	for _, code := range []string{"WEB001", "REG001", "BURST1"} {
		if err := w.RegisterParticipant(ctx, "BAL-01", code); !errors.Is(err, ErrCodeTaken) {
			t.Fatalf("register %s again: %v, want ErrCodeTaken", code, err)
		}
	}
	// A new writer reads the codes back from the view, whichever way they were stored.
	w.Close()
	w2, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	for _, code := range []string{"WEB001", "REG001", "BURST1"} {
		if err := w2.RegisterParticipant(ctx, "BAL-01", code); !errors.Is(err, ErrCodeTaken) {
			t.Fatalf("after restart, register %s: %v, want ErrCodeTaken", code, err)
		}
	}
	submit(w2, "web-3", "WEB001")
	w2.Close()
	// The bulk loader (import, demo) finds codes introduced by web responses and registered ones.
	day := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	_, err = db.Load(ctx, set, &Batch{
		Attendance: []Attendance{{GroupCode: "BAL-01", SessionNo: 1, ParticipantCode: "REG001", Attended: true}},
		Responses: []Response{
			{ResponseID: "imp-1", GroupCode: "BAL-01", ParticipantCode: "WEB001", Timepoint: "post", SubmittedAt: day, Source: "import", Answers: map[string]int{"cbi_p1": 2}},
			{ResponseID: "imp-2", GroupCode: "BAL-01", ParticipantCode: "IMP001", Timepoint: "pre", SubmittedAt: day, Source: "import", Answers: map[string]int{"cbi_p1": 2}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var web, imported int32
	db.SQL().QueryRow(`SELECT participant_id FROM responses WHERE client_id = 'web-1'`).Scan(&web)
	db.SQL().QueryRow(`SELECT participant_id FROM responses WHERE response_id = 'imp-1'`).Scan(&imported)
	if web != imported {
		t.Fatalf("imported response of WEB001 has participant %d, the web ones %d", imported, web)
	}
	var duplicated, total int
	db.SQL().QueryRow(`SELECT count(*) FROM (SELECT group_id, code FROM participants GROUP BY ALL HAVING count(*) > 1)`).Scan(&duplicated)
	db.SQL().QueryRow(`SELECT count(*) FROM participants`).Scan(&total)
	if duplicated != 0 || total != 4 { // WEB001, BURST1, REG001, IMP001
		t.Fatalf("%d duplicated codes (want 0), %d participants (want 4)", duplicated, total)
	}
}

// A file written before migration 3 keeps its participants, now in participant_codes and listed by
// the participants view, and a writer on the migrated file knows them.
func TestMigration3KeepsParticipants(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.duckdb")
	raw, err := openRaw(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{sql: raw, path: path}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 2; v++ {
		if err := old.apply(ctx, v, migrations[v-1]); err != nil {
			t.Fatal(err)
		}
	}
	created := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO groups (group_id, group_code, name, modality, invite_token, created_at) VALUES (1, 'BAL-01', 'Balint', 'balint', 'tok', now())`,
		`INSERT INTO participants VALUES (1, 1, 'OLD-001', '2026-03-02 09:30:00'), (2, 1, 'OLD-002', '2026-03-02 09:30:00')`,
		`INSERT INTO responses (response_key, response_id, group_id, participant_id, timepoint, submitted_at, source, instrument_versions, answers)
			VALUES (1, 'r1', 1, 1, 'pre', now(), 'web', 'cbi@1', '{"cbi_p1":1}')`,
		`SELECT nextval('participant_id_seq') FROM range(2)`, // ids 1 and 2 are taken
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.version(ctx); v != 3 {
		t.Fatalf("version %d after Open, want 3", v)
	}
	rows, err := db.SQL().Query(`SELECT participant_id, group_id, code, created_at FROM participants ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, gid int32
		var code string
		var at time.Time
		if err := rows.Scan(&id, &gid, &code, &at); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %d %s %s", id, gid, code, at.UTC().Format(time.RFC3339)))
	}
	rows.Close()
	want := fmt.Sprintf("[1 1 OLD-001 %[1]s 2 1 OLD-002 %[1]s]", created.Format(time.RFC3339))
	if fmt.Sprint(got) != want {
		t.Fatalf("participants after migration = %v, want %s", got, want)
	}
	var kept, views int
	db.SQL().QueryRow(`SELECT count(*) FROM participant_codes`).Scan(&kept)
	db.SQL().QueryRow(`SELECT count(*) FROM duckdb_views() WHERE view_name = 'participants'`).Scan(&views)
	if kept != 2 || views != 1 {
		t.Fatalf("participant_codes holds %d rows (want 2); participants views: %d (want 1)", kept, views)
	}
	w, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RegisterParticipant(ctx, "BAL-01", "OLD-002"); !errors.Is(err, ErrCodeTaken) {
		t.Fatalf("register a migrated code: %v, want ErrCodeTaken", err)
	}
}
