package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// writerFixture is a database holding smallBatch's group and session, with a running writer.
func writerFixture(t *testing.T, o WriterOptions) (*DB, *Writer, *instrument.Set) {
	t.Helper()
	db, _ := openTemp(t)
	t.Cleanup(func() { db.Close() })
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := smallBatch()
	b.Responses, b.Attendance = nil, nil
	if _, err := db.Load(context.Background(), set, b); err != nil {
		t.Fatal(err)
	}
	w, err := db.NewWriter(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return db, w, set
}

func scored(t *testing.T, set *instrument.Set, client, code string, p1 int) Scored {
	t.Helper()
	s, err := Score(set, Response{ClientID: client, GroupCode: "BAL-01", ParticipantCode: code, Timepoint: "pre",
		SubmittedAt: time.Now(), Source: "web", Answers: map[string]int{"cbi_p1": p1, "cbi_p2": 1, "cbi_p3": 1}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriterConcurrentSubmissionsAreStoredExactly(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{})
	ctx := context.Background()
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fmt.Sprintf("P%03d", i%40) // several responses per participant
			st, err := w.Submit(ctx, scored(t, set, fmt.Sprintf("c-%d", i), code, 1+i%5))
			if err != nil {
				errs <- err
				return
			}
			if st.Duplicate || len(st.Scales) != 3 || st.Scales[0].Score != float64((i%5)*25+0+0)/3 {
				errs <- fmt.Errorf("client %d: %+v", i, st)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var rows, people, mismatched int
	db.SQL().QueryRow(`SELECT count(*), count(DISTINCT participant_id) FROM responses`).Scan(&rows, &people)
	// Every stored row must carry the answer its own client sent (client c-i answered 1 + i%5).
	db.SQL().QueryRow(`SELECT count(*) FROM responses r JOIN answers a USING (response_key)
		WHERE a.item_id = 'cbi_p1' AND a.code <> 1 + CAST(split_part(r.client_id, '-', 2) AS INTEGER) % 5`).Scan(&mismatched)
	if rows != n || people != 40 || mismatched != 0 {
		t.Fatalf("rows %d (want %d), participants %d (want 40), mismatched %d", rows, n, people, mismatched)
	}
}

func TestWriterIdempotentClientID(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{})
	ctx := context.Background()
	first, err := w.Submit(ctx, scored(t, set, "same", "ACD347", 4))
	if err != nil || first.Duplicate {
		t.Fatalf("first: %+v %v", first, err)
	}
	again, err := w.Submit(ctx, scored(t, set, "same", "ACD347", 2))
	if err != nil || !again.Duplicate || again.ResponseID != first.ResponseID || again.Scales[0].Score != first.Scales[0].Score {
		t.Fatalf("retry must return the original result: %+v vs %+v (%v)", again, first, err)
	}
	// Many retries at once land in one batch: still one row.
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); w.Submit(ctx, scored(t, set, "burst", "ACD347", 3)) }()
	}
	wg.Wait()
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM responses WHERE client_id IN ('same', 'burst')`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d rows for two client ids", n)
	}
}

func TestWriterParticipantsAndBadJobs(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{})
	ctx := context.Background()
	if err := w.RegisterParticipant(ctx, "BAL-01", "NEW123"); err != nil {
		t.Fatal(err)
	}
	if err := w.RegisterParticipant(ctx, "BAL-01", "NEW123"); !errors.Is(err, ErrCodeTaken) {
		t.Fatalf("second registration: %v, want ErrCodeTaken", err)
	}
	bad := scored(t, set, "bad", "X", 1)
	bad.GroupCode = "NOPE"
	var wg sync.WaitGroup
	var badErr, goodErr error
	wg.Add(2)
	go func() { defer wg.Done(); _, badErr = w.Submit(ctx, bad) }()
	go func() { defer wg.Done(); _, goodErr = w.Submit(ctx, scored(t, set, "good", "NEW123", 1)) }()
	wg.Wait()
	if !errors.Is(badErr, ErrUnknownGroup) || goodErr != nil {
		t.Fatalf("bad job: %v; good job: %v", badErr, goodErr)
	}
	var participants int
	db.SQL().QueryRow(`SELECT count(*) FROM participants WHERE code = 'NEW123'`).Scan(&participants)
	if participants != 1 {
		t.Fatalf("%d participants for one code", participants)
	}
}

// A new participant and its response commit together: when the response is refused by the
// database, its participant must not be left behind.
func TestWriterParticipantAndResponseCommitTogether(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{})
	ctx := context.Background()
	bad := scored(t, set, "refused", "ATOM01", 1)
	bad.Source = "carrier-pigeon" // passes the writer, fails the table's CHECK
	var wg sync.WaitGroup
	var badErr, goodErr error
	wg.Add(2)
	go func() { defer wg.Done(); _, badErr = w.Submit(ctx, bad) }()
	go func() { defer wg.Done(); _, goodErr = w.Submit(ctx, scored(t, set, "accepted", "ATOM02", 1)) }()
	wg.Wait()
	if badErr == nil || goodErr != nil {
		t.Fatalf("refused job: %v (want an error); accepted job: %v", badErr, goodErr)
	}
	var left, kept, responses int
	if err := db.SQL().QueryRow(`SELECT count(*) FILTER (code = 'ATOM01'), count(*) FILTER (code = 'ATOM02') FROM participants`).Scan(&left, &kept); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT count(*) FROM responses WHERE client_id IN ('refused', 'accepted')`).Scan(&responses); err != nil {
		t.Fatal(err)
	}
	if left != 0 || kept != 1 || responses != 1 {
		t.Fatalf("participants ATOM01 %d (want 0), ATOM02 %d (want 1); responses %d (want 1)", left, kept, responses)
	}
	// The refused code was released: it can be used again.
	if _, err := w.Submit(ctx, scored(t, set, "retried", "ATOM01", 1)); err != nil {
		t.Fatal(err)
	}
}

func TestWriterBoundedQueueAndDrainOnClose(t *testing.T) {
	db, w, set := writerFixture(t, WriterOptions{QueueSize: 2, MaxBatch: 1})
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked, full := 0, 0
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.Submit(ctx, scored(t, set, fmt.Sprintf("q-%d", i), "ACD347", 1))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				acked++
			case errors.Is(err, ErrQueueFull), errors.Is(err, ErrWriterClosed):
				full++
			default:
				t.Error(err)
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	w.Close()
	wg.Wait()
	if _, err := w.Submit(ctx, scored(t, set, "late", "ACD347", 1)); !errors.Is(err, ErrWriterClosed) {
		t.Fatalf("submit after close: %v", err)
	}
	var stored int
	db.SQL().QueryRow(`SELECT count(*) FROM responses`).Scan(&stored)
	if full == 0 || stored != acked {
		t.Fatalf("acked %d, refused %d, stored %d: want some refused and every acknowledged write stored", acked, full, stored)
	}
}
