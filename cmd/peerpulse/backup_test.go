package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// TestBackupRestoreExportCommands runs the commands as a person would: a backup and an export
// through the running server while submissions arrive, a restore that is refused while the
// server holds the file or without --force, and a restore whose every table equals the backup.
func TestBackupRestoreExportCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	ctx := context.Background()
	bin := sharedBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "live", "pilot.duckdb")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		return string(out), err
	}
	if out, err := run("demo", "--db", db, "--seed", "6"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	// Offline: the file itself.
	out, err := run("backup", "--db", db, "--out", filepath.Join(dir, "offline"))
	if err != nil || !strings.Contains(out, "from the file") {
		t.Fatalf("offline backup: %v\n%s", err, out)
	}
	if out, err := run("export", "--db", db, "--out", filepath.Join(dir, "export-offline")); err != nil || !strings.Contains(out, "responses.parquet") {
		t.Fatalf("offline export: %v\n%s", err, out)
	}
	if out, err := run("export", "--db", db, "--out", filepath.Join(dir, "x"), "--format", "csv"); err == nil || !strings.Contains(out, "only parquet") {
		t.Fatalf("export as csv must be refused: %v\n%s", err, out)
	}

	groups, _ := crashSetup(t, db)
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, bin, db, "--submit-rate", "0")
	addr := strings.TrimPrefix(srv.base, "http://")
	// Submissions keep arriving during the backup and the export.
	var stop atomic.Bool
	var acked atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 15 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 6))
			for i := 0; !stop.Load(); i++ {
				sub := newCrashSub(rng, set, groups, fmt.Sprintf("backup-w%d-%05d", w, i))
				if status, _, err := post(client, srv.base, sub.body()); err != nil || status != http.StatusCreated {
					t.Errorf("submit: %d %v", status, err)
					return
				}
				acked.Add(1)
			}
		}()
	}
	for acked.Load() < 50 {
		time.Sleep(10 * time.Millisecond)
	}
	before := acked.Load()
	out, err = run("backup", "--db", db, "--out", filepath.Join(dir, "online"), "--addr", addr)
	if err != nil || !strings.Contains(out, "from the running server") {
		t.Fatalf("backup through the server: %v\n%s", err, out)
	}
	exported := filepath.Join(dir, "export-online")
	if out, err := run("export", "--db", db, "--out", exported, "--addr", addr); err != nil || !strings.Contains(out, "from a snapshot from the running server") {
		t.Fatalf("export through the server: %v\n%s", err, out)
	}
	// Without the secret key, the server is not asked.
	if out, err := run("backup", "--db", db, "--out", filepath.Join(dir, "nokey"), "--addr", addr, "--secret-key-file", filepath.Join(dir, "none.key")); err == nil {
		t.Fatalf("a backup without the key must fail:\n%s", out)
	}
	stop.Store(true)
	wg.Wait()
	backups, _ := filepath.Glob(filepath.Join(dir, "online", "pilot-*.duckdb"))
	if len(backups) != 1 {
		t.Fatalf("backups written: %v", backups)
	}
	backup := backups[0]
	// Restoring over the file the server holds is refused, even with --force.
	if out, err := run("restore", "--from", backup, "--db", db, "--force"); err == nil || !strings.Contains(out, "held by") {
		t.Fatalf("restore over a held file: %v\n%s", err, out)
	}
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.exited; err != nil {
		t.Fatalf("serve: %v\n%s", err, srv.stderr.String())
	}
	if out, err := run("restore", "--from", backup, "--db", db); err == nil || !strings.Contains(out, "--force") {
		t.Fatalf("restore over an existing file without --force: %v\n%s", err, out)
	}
	// The backup holds every submission acknowledged before it began, and none half-written.
	want, err := ingest.DigestFile(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	bk, err := ingest.Open(ctx, backup, ingest.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var web, broken int64
	bk.SQL().QueryRow(`SELECT count(*), count(*) FILTER (WHERE NOT json_valid(answers) OR participant_id NOT IN (SELECT participant_id FROM participants))
		FROM responses WHERE source = 'web'`).Scan(&web, &broken)
	bk.Close()
	if web < before || broken != 0 {
		t.Fatalf("the backup holds %d web responses (%d acknowledged before it), %d broken", web, before, broken)
	}
	for _, target := range []string{filepath.Join(dir, "restored", "new.duckdb"), db} {
		args := []string{"restore", "--from", backup, "--db", target}
		if target == db {
			args = append(args, "--force")
		}
		if out, err := run(args...); err != nil || !strings.Contains(out, "Restored") {
			t.Fatalf("restore to %s: %v\n%s", target, err, out)
		}
		r, err := ingest.Open(ctx, target, ingest.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Digest(ctx)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if d := want.Diff(got); d != "" || len(got) < 10 {
			t.Fatalf("restored %s differs from the backup: %s (%d tables)", target, d, len(got))
		}
	}
	// The server starts on the restored file and takes submissions again.
	srv = startServer(t, bin, db, "--submit-rate", "0")
	sub := newCrashSub(rand.New(rand.NewPCG(1, 2)), set, groups, "after-restore-1")
	if status, _, err := post(client, srv.base, sub.body()); err != nil || status != http.StatusCreated {
		t.Fatalf("submit after restore: %d %v", status, err)
	}
	srv.kill(t)

	// The export made through the server is whole and agrees with itself.
	raw, err := os.ReadFile(filepath.Join(exported, "manifest.json"))
	var m ingest.ExportManifest
	if err != nil || json.Unmarshal(raw, &m) != nil || len(m.Tables) != 5 {
		t.Fatalf("manifest: %v\n%s", err, raw)
	}
	for _, tb := range m.Tables {
		if tb.Rows == 0 {
			t.Errorf("%s is empty", tb.File)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), ".backup-*")); len(left) != 0 {
		t.Errorf("the server left its temporary snapshots: %v", left)
	}
}
