package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// demoDB is a small demo pilot in a fresh file.
func demoDB(t *testing.T) (*ingest.DB, *instrument.Set) {
	t.Helper()
	return demotest.Pilot(t, 5)
}

// TestBackupWhileWritingAndRestore takes snapshots while the writer stores submissions, checks
// each is a consistent, complete database, then restores one and compares every table.
func TestBackupWhileWritingAndRestore(t *testing.T) {
	ctx := context.Background()
	db, set := demoDB(t)
	w, err := db.NewWriter(ctx, ingest.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var group string
	db.SQL().QueryRow(`SELECT min(group_code) FROM groups`).Scan(&group)

	// Submitters run until the backups are done.
	var stop atomic.Bool
	var acked atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				sc, err := ingest.Score(set, ingest.Response{ClientID: fmt.Sprintf("bk-%d-%06d", g, i), GroupCode: group,
					ParticipantCode: fmt.Sprintf("P%d%05d", g, i), Timepoint: "pre", SubmittedAt: time.Now().UTC(), Source: "web",
					Answers: map[string]int{"cbi_p1": 1 + i%5, "cbi_p2": 1 + g, "nss_leave1": 1 + (i/5)%5}})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := w.Submit(ctx, sc); err == nil {
					acked.Add(1)
				} else if !errors.Is(err, ingest.ErrQueueFull) {
					t.Error(err)
					return
				}
			}
		}()
	}
	dir := t.TempDir()
	var backups []string
	var before []int64
	for i := range 3 {
		time.Sleep(150 * time.Millisecond)
		path := filepath.Join(dir, fmt.Sprintf("b%d.duckdb", i))
		before = append(before, acked.Load())
		if err := db.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		backups = append(backups, path)
	}
	stop.Store(true)
	wg.Wait()
	if err := db.Backup(ctx, backups[0]); err == nil {
		t.Fatal("a backup must not overwrite an existing file")
	}
	var webRows int64
	for i, path := range backups {
		if _, err := os.Stat(path + ".wal"); !os.IsNotExist(err) {
			t.Fatalf("backup %d left a write-ahead log: %v", i, err)
		}
		b, err := ingest.Open(ctx, path, ingest.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("backup %d does not open: %v", i, err)
		}
		var n, bad, orphans int64
		b.SQL().QueryRow(`SELECT count(*) FROM responses WHERE source = 'web'`).Scan(&n)
		// Every stored row is whole: its answers parse and match its client id's pattern.
		rows, err := b.SQL().Query(`SELECT client_id, answers FROM responses WHERE source = 'web'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var client, answers string
			rows.Scan(&client, &answers)
			var g, k int
			var got map[string]int
			if _, err := fmt.Sscanf(client, "bk-%d-%06d", &g, &k); err != nil || json.Unmarshal([]byte(answers), &got) != nil ||
				got["cbi_p1"] != 1+k%5 || got["cbi_p2"] != 1+g || got["nss_leave1"] != 1+(k/5)%5 || len(got) != 3 {
				bad++
			}
		}
		rows.Close()
		b.SQL().QueryRow(`SELECT count(*) FROM responses r ANTI JOIN participants p USING (participant_id)`).Scan(&orphans)
		b.Close()
		if n < before[i] || bad != 0 || orphans != 0 {
			t.Fatalf("backup %d: %d web rows (at least %d acknowledged before it began), %d malformed, %d without participant", i, n, before[i], bad, orphans)
		}
		if n < webRows {
			t.Fatalf("backup %d has fewer rows (%d) than the one before (%d)", i, n, webRows)
		}
		webRows = n
	}
	t.Logf("%d submissions acknowledged; the last backup holds %d", acked.Load(), webRows)
	if webRows == 0 {
		t.Fatal("no submission was stored while backing up: the test proves nothing")
	}

	// Restore the last backup to a new file and compare every table.
	last := backups[len(backups)-1]
	b, err := ingest.Open(ctx, last, ingest.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := b.Digest(ctx)
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored", "pilot.duckdb")
	if err := ingest.Restore(ctx, last, target, false); err != nil {
		t.Fatal(err)
	}
	if err := ingest.Restore(ctx, backups[0], target, false); !errors.Is(err, ingest.ErrTargetExists) {
		t.Fatalf("restoring over an existing file without force: %v", err)
	}
	compare := func(label string) {
		t.Helper()
		r, err := ingest.Open(ctx, target, ingest.Options{})
		if err != nil {
			t.Fatalf("%s: open the restored file: %v", label, err)
		}
		defer r.Close()
		got, err := r.Digest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := want.Diff(got); d != "" || len(got) < 10 {
			t.Fatalf("%s: restored tables differ: %s (%d tables)", label, d, len(got))
		}
		// Keys, checks and foreign keys come along with the rows.
		constraints := func(db *ingest.DB) (n int) {
			db.SQL().QueryRow(`SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database()`).Scan(&n)
			return n
		}
		if got, live := constraints(r), constraints(db); got != live || got < 10 {
			t.Fatalf("%s: %d constraints restored, the live database has %d", label, got, live)
		}
		// Sequences continue after the restored rows, so new writes cannot reuse a key.
		var collide bool
		err = r.SQL().QueryRow(`SELECT nextval('response_key_seq') <= (SELECT max(response_key) FROM responses)`).Scan(&collide)
		if err != nil || collide {
			t.Fatalf("%s: response_key_seq would reuse a key (%v)", label, err)
		}
	}
	compare("new file")
	// A stale write-ahead log beside the old target must not be replayed onto the restored file.
	if err := os.WriteFile(target+".wal", []byte("not a log"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ingest.Restore(ctx, last, target, true); err != nil {
		t.Fatal(err)
	}
	compare("forced over an old file")
	if err := ingest.Restore(ctx, filepath.Join(dir, "missing.duckdb"), target, true); err == nil {
		t.Fatal("a missing backup must be refused")
	}
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("hello"), 0o600)
	if err := ingest.Restore(ctx, notDB, target, true); err == nil {
		t.Fatal("a file that is not a peerpulse database must be refused")
	}
	// A backup from a newer peerpulse is refused before anything is replaced.
	future := filepath.Join(dir, "future.duckdb")
	if err := ingest.Restore(ctx, last, future, false); err != nil {
		t.Fatal(err)
	}
	fdb, err := ingest.Open(ctx, future, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.SQL().Exec(`INSERT INTO schema_migrations VALUES (?, 'from the future', now()::TIMESTAMP)`, ingest.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	if err := ingest.Restore(ctx, future, target, true); !errors.Is(err, ingest.ErrSchemaTooNew) {
		t.Fatalf("a backup from a newer version: %v", err)
	}
	compare("after refused restores")
}

func TestDigestSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	db, _ := demoDB(t)
	before, err := db.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE responses SET answers = replace(answers, '"cbi_p1":1', '"cbi_p1":2') WHERE response_key = (SELECT min(response_key) FROM responses WHERE answers LIKE '%"cbi_p1":1%')`); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Digest(ctx)
	if d := before.Diff(after); d == "" || after["responses"].Rows != before["responses"].Rows {
		t.Fatalf("one changed answer must change the responses digest only: %q", d)
	}
}
