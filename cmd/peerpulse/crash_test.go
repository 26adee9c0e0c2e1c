package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

var (
	crashRounds  = flag.Int("crash.rounds", 3, "rounds of TestCrashSafety (make crash runs 20)")
	crashSeed    = flag.Uint64("crash.seed", 0, "random seed of TestCrashSafety (0: drawn from the clock, and logged)")
	crashWorkers = flag.Int("crash.workers", 32, "concurrent submitters in TestCrashSafety")
)

// built is the peerpulse binary, built once for every test of the package that runs it.
var built struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// sharedBinary builds peerpulse once per test run.
func sharedBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "peerpulse-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "peerpulse")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a running `peerpulse serve`.
type server struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	exited chan error
}

// startServer runs `peerpulse serve` on a free loopback port and waits until it is ready.
func startServer(t *testing.T, bin, db string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{base: "http://" + addr, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve", "--db", db, "--addr", addr, "--log-level", "warn"}, extra...)...)
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-s.exited:
			t.Fatalf("serve exited before it was ready: %v\n%s", err, s.stderr.String())
		default:
		}
		if code, _ := get(t, s.base+"/readyz"); code == http.StatusOK {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 60s\n%s", s.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL: no shutdown code runs, as in a power cut of the process.
func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// crashSub is one submission the crash test sent, as it expects to find it stored.
type crashSub struct {
	client, group, invite, code, timepoint, profession string
	sessionNo                                          int
	answers                                            map[string]int
	texts                                              map[string]string
}

func (s *crashSub) body() []byte {
	m := map[string]any{"invite_token": s.invite, "participant_code": s.code, "timepoint": s.timepoint,
		"client_id": s.client, "answers": s.answers}
	if s.sessionNo > 0 {
		m["session_no"] = s.sessionNo
	}
	if len(s.texts) > 0 {
		m["texts"] = s.texts
	}
	if s.profession != "" {
		m["profession"] = s.profession
	}
	b, _ := json.Marshal(m)
	return b
}

// crashLedger is what the test knows from the client side: every submission sent, and the
// response id of each one the server acknowledged.
type crashLedger struct {
	mu    sync.Mutex
	sent  map[string]*crashSub
	acked map[string]string // client id → response id
}

// storedRow is one web response as read back from the file.
type storedRow struct {
	responseID, group, code, timepoint, profession string
	sessionNo                                      int
	answers                                        map[string]int
	texts                                          map[string]string
	orphan                                         bool
}

// TestCrashSafety is the crash test of issue 9: each round starts `peerpulse serve` on the same
// file, drives submissions at high concurrency, and SIGKILLs the server at a random moment.
// After every kill the file must open cleanly, every acknowledged submission must be stored
// exactly once with the response id it was acknowledged with, and every stored row must be
// a whole submission that was sent (no half-written or invented row). The next round first
// resends the submissions whose fate the client could not know, which must be answered as
// duplicates (200, same response id) when stored and stored afresh (201) when not.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("runs and kills the binary")
	}
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("crash.seed=%d (rerun with -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	bin := sharedBinary(t)
	db := filepath.Join(t.TempDir(), "crash.duckdb")
	if out, err := exec.Command(bin, "demo", "--db", db, "--seed", "4").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	groups, baseline := crashSetup(t, db)
	led := &crashLedger{sent: map[string]*crashSub{}, acked: map[string]string{}}
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *crashWorkers}}

	clean := 0
	var inDoubt []*crashSub
	var lastRows map[string]storedRow
	for round := 1; round <= *crashRounds; round++ {
		srv := startServer(t, bin, db, "--submit-rate", "0")
		var problems []string
		// Submissions whose fate the client does not know are sent again first.
		problems = append(problems, resend(client, srv.base, inDoubt, lastRows, led)...)

		var ackedNow, answered atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range *crashWorkers {
			wg.Add(1)
			wrng := rand.New(rand.NewPCG(seed, uint64(round*1000+w)))
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					sub := newCrashSub(wrng, set, groups, fmt.Sprintf("crash-r%02d-w%02d-%05d", round, w, i))
					led.mu.Lock()
					led.sent[sub.client] = sub
					led.mu.Unlock()
					status, id, err := post(client, srv.base, sub.body())
					if err != nil {
						return // the server is gone
					}
					answered.Add(1)
					if status != http.StatusCreated {
						led.mu.Lock()
						problems = append(problems, fmt.Sprintf("%s: status %d for a new submission", sub.client, status))
						led.mu.Unlock()
						return
					}
					led.mu.Lock()
					led.acked[sub.client] = id
					led.mu.Unlock()
					ackedNow.Add(1)
				}
			}()
		}
		// Kill at a random moment once the load is running: after at least a few
		// acknowledgements, then up to 800 ms more.
		deadline := time.Now().Add(10 * time.Second)
		for ackedNow.Load() < 20 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		// Every other round a backup through the server runs into the kill too: it must either
		// finish whole or leave no file that looks like a backup.
		var backup *crashBackup
		if round%2 == 0 {
			backup = startCrashBackup(t, bin, db, srv, led)
		}
		time.Sleep(time.Duration(rng.IntN(800)) * time.Millisecond)
		srv.kill(t)
		close(stop)
		wg.Wait()
		if backup != nil {
			problems = append(problems, backup.check(t, led)...)
		}

		// After the crash: the file opens, and what it holds is exactly what was promised.
		rows := readStored(t, db, &problems)
		led.mu.Lock()
		var p []string
		var doubtStored int
		p, inDoubt, doubtStored = verify(led, rows)
		problems = append(problems, p...)
		nAcked, nSent := len(led.acked), len(led.sent)
		led.mu.Unlock()
		lastRows = rows
		problems = append(problems, checkBaseline(t, db, baseline)...)
		if ackedNow.Load() == 0 {
			problems = append(problems, "nothing was acknowledged before the kill: the round proves nothing")
		}
		if len(problems) == 0 {
			clean++
		}
		bk := ""
		if backup != nil {
			bk = "; backup " + backup.outcome
		}
		t.Logf("round %d: %d acknowledged this round, %d answered; after the kill %d rows stored, %d of %d acknowledged overall, %d in doubt (%d of them stored)%s; %d problems",
			round, ackedNow.Load(), answered.Load(), len(rows), nAcked, nSent, len(inDoubt), doubtStored, bk, len(problems))
		for i, p := range problems {
			if i == 10 {
				t.Errorf("… and %d more", len(problems)-10)
				break
			}
			t.Errorf("round %d: %s", round, p)
		}
	}
	// The last round's in-doubt submissions are settled too, then a clean shutdown.
	srv := startServer(t, bin, db, "--submit-rate", "0")
	problems := resend(client, srv.base, inDoubt, lastRows, led)
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.exited; err != nil {
		problems = append(problems, fmt.Sprintf("serve did not stop cleanly: %v", err))
	}
	rows := readStored(t, db, &problems)
	p, left, _ := verify(led, rows)
	problems = append(problems, p...)
	if len(rows) != len(led.sent) || len(left) != 0 {
		problems = append(problems, fmt.Sprintf("after settling: %d stored, %d acknowledged, %d sent", len(rows), len(led.acked), len(led.sent)))
	}
	for _, p := range problems {
		t.Errorf("settling: %s", p)
	}
	fmt.Printf("%d/%d rounds clean\n", clean, *crashRounds)
	t.Logf("%d/%d rounds clean; %d submissions stored", clean, *crashRounds, len(rows))
}

// crashGroup is an open group of the demo pilot.
type crashGroup struct {
	code, invite string
	sessions     int
}

type crashBaseline struct {
	groups, imported int64
	digest           string
}

// crashSetup reads the open groups and what must never change (the demo's own rows).
func crashSetup(t *testing.T, path string) ([]crashGroup, crashBaseline) {
	t.Helper()
	db, err := ingest.Open(context.Background(), path, ingest.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().Query(`SELECT g.group_code, g.invite_token, count(s.session_id) FROM groups g JOIN sessions s USING (group_id)
		WHERE g.closed_at IS NULL GROUP BY ALL ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var groups []crashGroup
	for rows.Next() {
		var g crashGroup
		rows.Scan(&g.code, &g.invite, &g.sessions)
		groups = append(groups, g)
	}
	if len(groups) < 5 {
		t.Fatalf("only %d open groups in the demo", len(groups))
	}
	return groups, baselineOf(t, db)
}

func baselineOf(t *testing.T, db *ingest.DB) crashBaseline {
	var b crashBaseline
	err := db.SQL().QueryRow(`SELECT (SELECT count(*) FROM groups), count(*), coalesce(sum(hash(r))::VARCHAR, '')
		FROM responses r WHERE source <> 'web'`).Scan(&b.groups, &b.imported, &b.digest)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkBaseline(t *testing.T, path string, want crashBaseline) []string {
	db, err := ingest.Open(context.Background(), path, ingest.Options{ReadOnly: true})
	if err != nil {
		return []string{fmt.Sprintf("reopen read-only: %v", err)}
	}
	defer db.Close()
	if got := baselineOf(t, db); got != want {
		return []string{fmt.Sprintf("the demo's records changed: %+v, want %+v", got, want)}
	}
	return nil
}

// newCrashSub draws a complete questionnaire for a random group and timepoint. Codes come
// from a small pool per worker, so participants answer more than once (pre and post).
func newCrashSub(rng *rand.Rand, set *instrument.Set, groups []crashGroup, client string) *crashSub {
	g := groups[rng.IntN(len(groups))]
	tps := []string{"pre", "post", "followup", "session"}
	s := &crashSub{client: client, group: g.code, invite: g.invite, timepoint: tps[rng.IntN(len(tps))],
		answers: map[string]int{}}
	code := make([]byte, surveys.CodeLength)
	for i := range code {
		code[i] = surveys.CodeAlphabet[rng.IntN(len(surveys.CodeAlphabet))]
	}
	s.code = string(code)
	if rng.IntN(4) == 0 { // as a person types it
		s.code = fmt.Sprintf("%s-%s", bytes.ToLower(code[:3]), code[3:])
	}
	for _, in := range set.ForTimepoint(s.timepoint) {
		for _, it := range in.Items {
			s.answers[it.ID] = 1 + rng.IntN(it.Options.Len())
		}
		for _, tf := range in.TextFields {
			if rng.IntN(2) == 0 {
				s.texts = map[string]string{tf.ID: fmt.Sprintf("Ünïcode ✓ comment %d, with \"quotes\" and a\nnew line", rng.IntN(1000))}
			}
		}
	}
	switch s.timepoint {
	case "session":
		s.sessionNo = 1 + rng.IntN(g.sessions)
	case "pre":
		s.profession = surveys.Professions[rng.IntN(len(surveys.Professions))]
	}
	return s
}

// post sends one submission and returns the status and response id.
func post(client *http.Client, base string, body []byte) (int, string, error) {
	resp, err := client.Post(base+"/api/v1/responses", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	var out struct {
		ResponseID string `json:"response_id"`
	}
	json.Unmarshal(raw, &out)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return resp.StatusCode, string(raw), nil
	}
	return resp.StatusCode, out.ResponseID, nil
}

// verify compares what the file holds with the ledger. It returns the problems, the
// submissions whose fate the client could not know, and how many of those are stored.
func verify(led *crashLedger, rows map[string]storedRow) (problems []string, inDoubt []*crashSub, doubtStored int) {
	for client, sub := range led.sent {
		id, acked := led.acked[client]
		row, present := rows[client]
		switch {
		case acked && !present:
			problems = append(problems, fmt.Sprintf("%s was acknowledged (%s) but is not stored", client, id))
		case acked && row.responseID != id:
			problems = append(problems, fmt.Sprintf("%s was acknowledged as %s but is stored as %s", client, id, row.responseID))
		case !acked:
			inDoubt = append(inDoubt, sub)
			if present {
				doubtStored++
			}
		}
		if present {
			if p := compareStored(sub, row); p != "" {
				problems = append(problems, client+": "+p)
			}
		}
	}
	for client := range rows {
		if _, ok := led.sent[client]; !ok {
			problems = append(problems, fmt.Sprintf("stored client id %s was never sent", client))
		}
	}
	return problems, inDoubt, doubtStored
}

// resend sends the in-doubt submissions again: one stored before the kill must come back as
// a duplicate (200) with its stored response id; one not stored is stored now (201).
func resend(client *http.Client, base string, subs []*crashSub, stored map[string]storedRow, led *crashLedger) []string {
	var problems []string
	for _, sub := range subs {
		status, id, err := post(client, base, sub.body())
		row, present := stored[sub.client]
		want := http.StatusCreated
		if present {
			want = http.StatusOK
		}
		if err != nil || status != want || (present && id != row.responseID) {
			problems = append(problems, fmt.Sprintf("resend %s: %d %s %v; want %d (stored before: %v %s)", sub.client, status, id, err, want, present, row.responseID))
			continue
		}
		led.mu.Lock()
		led.acked[sub.client] = id
		led.mu.Unlock()
	}
	return problems
}

// readStored opens the file as a restarted server would (replaying its write-ahead log),
// reads every web response, and closes it. Problems with the file itself are appended; a
// client id stored twice is one.
func readStored(t *testing.T, path string, problems *[]string) map[string]storedRow {
	t.Helper()
	if problems == nil {
		return nil
	}
	db, err := ingest.Open(context.Background(), path, ingest.Options{})
	if err != nil {
		t.Fatalf("the file does not open after the kill: %v", err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			*problems = append(*problems, fmt.Sprintf("close (checkpoint) after the kill: %v", err))
		}
	}()
	rows, err := db.SQL().Query(`SELECT r.client_id, r.response_id, g.group_code, coalesce(p.code, ''), p.code IS NULL,
			r.timepoint, coalesce(s.session_no, 0), coalesce(r.profession, ''), r.answers, coalesce(r.texts, '{}')
		FROM responses r JOIN groups g USING (group_id)
		LEFT JOIN participants p ON p.participant_id = r.participant_id AND p.group_id = r.group_id
		LEFT JOIN sessions s ON s.session_id = r.session_id
		WHERE r.source = 'web'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]storedRow{}
	for rows.Next() {
		var client, answers, texts string
		var r storedRow
		if err := rows.Scan(&client, &r.responseID, &r.group, &r.code, &r.orphan, &r.timepoint, &r.sessionNo, &r.profession, &answers, &texts); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(answers), &r.answers); err != nil {
			*problems = append(*problems, fmt.Sprintf("%s: answers are not whole JSON: %q", client, answers))
		}
		if err := json.Unmarshal([]byte(texts), &r.texts); err != nil {
			*problems = append(*problems, fmt.Sprintf("%s: texts are not whole JSON: %q", client, texts))
		}
		if _, twice := out[client]; twice {
			*problems = append(*problems, fmt.Sprintf("%s is stored more than once", client))
		}
		out[client] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compareStored says how a stored row differs from the submission sent, or "".
func compareStored(sub *crashSub, row storedRow) string {
	code, _ := surveys.NormaliseCode(sub.code)
	texts := sub.texts
	if texts == nil {
		texts = map[string]string{}
	}
	switch {
	case row.orphan:
		return "stored without its participant"
	case row.group != sub.group || row.code != code || row.timepoint != sub.timepoint || row.sessionNo != sub.sessionNo || row.profession != sub.profession:
		return fmt.Sprintf("stored as %s/%s/%s/%d/%q, sent %s/%s/%s/%d/%q", row.group, row.code, row.timepoint, row.sessionNo, row.profession,
			sub.group, code, sub.timepoint, sub.sessionNo, sub.profession)
	case !reflect.DeepEqual(row.answers, sub.answers):
		return fmt.Sprintf("answers stored %v, sent %v", row.answers, sub.answers)
	case !reflect.DeepEqual(row.texts, texts):
		return fmt.Sprintf("texts stored %q, sent %q", row.texts, texts)
	}
	return ""
}

// crashBackup is a `peerpulse backup` through the server that the kill may interrupt.
type crashBackup struct {
	out     string
	acked   map[string]string // acknowledged before the backup began
	done    chan error
	outcome string
}

func startCrashBackup(t *testing.T, bin, db string, srv *server, led *crashLedger) *crashBackup {
	b := &crashBackup{out: t.TempDir(), acked: map[string]string{}, done: make(chan error, 1)}
	led.mu.Lock()
	for k, v := range led.acked {
		b.acked[k] = v
	}
	led.mu.Unlock()
	cmd := exec.Command(bin, "backup", "--db", db, "--out", b.out, "--addr", strings.TrimPrefix(srv.base, "http://"))
	go func() { b.done <- cmd.Run() }()
	return b
}

// check waits for the backup command. A backup that finished must hold every submission
// acknowledged before it began, each stored once and whole; one the kill cut short must leave
// no .duckdb file behind.
func (b *crashBackup) check(t *testing.T, led *crashLedger) []string {
	err := <-b.done
	files, _ := filepath.Glob(filepath.Join(b.out, "*.duckdb"))
	if err != nil {
		b.outcome = "cut short by the kill"
		if len(files) != 0 {
			return []string{fmt.Sprintf("a backup cut short left %v", files)}
		}
		return nil
	}
	if len(files) != 1 {
		return []string{fmt.Sprintf("a finished backup wrote %v", files)}
	}
	var problems []string
	rows := readStored(t, files[0], &problems)
	led.mu.Lock()
	defer led.mu.Unlock()
	for client, id := range b.acked {
		if row, ok := rows[client]; !ok || row.responseID != id {
			problems = append(problems, fmt.Sprintf("backup: %s was acknowledged before it began but is not in it", client))
		}
	}
	for client, row := range rows {
		sub, ok := led.sent[client]
		if !ok {
			problems = append(problems, fmt.Sprintf("backup: client id %s was never sent", client))
		} else if p := compareStored(sub, row); p != "" {
			problems = append(problems, "backup: "+client+": "+p)
		}
	}
	b.outcome = fmt.Sprintf("finished with %d rows", len(rows))
	return problems
}
