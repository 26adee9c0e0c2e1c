package ingest

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func duckdbThreads(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT current_setting('threads')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// openThreads opens a temporary database with DuckDB at n threads.
func openThreads(t *testing.T, n int) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "threads.duckdb"), Options{Threads: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// While a writer runs DuckDB keeps to one thread, except while a large read holds Parallel;
// once the last writer stops it has every thread again.
func TestThreadsFollowTheWork(t *testing.T) {
	ctx := context.Background()
	db := openThreads(t, 3)
	db.threads.grace = 0
	step := func(what string, want int) {
		t.Helper()
		if got := duckdbThreads(t, db); got != want {
			t.Fatalf("%s: DuckDB has %d threads, want %d", what, got, want)
		}
	}
	step("opened", 3)
	early := db.Parallel(ctx)
	step("a read without a writer", 3)
	w1, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	step("a writer started during a read", 3)
	early()
	step("the read ended", 1)
	w2, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := db.Parallel(ctx), db.Parallel(ctx)
	step("two reads", 3)
	a()
	a() // a second call of the same release changes nothing
	step("one read left", 3)
	b()
	step("no read left", 1)
	w1.Close()
	step("one writer left", 1)
	w2.Close()
	step("no writer left", 3)
}

// A database opened with one thread is never changed.
func TestThreadsLeaveOneThreadAlone(t *testing.T) {
	ctx := context.Background()
	db := openThreads(t, 1)
	w, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	release := db.Parallel(ctx)
	if got := duckdbThreads(t, db); got != 1 {
		t.Fatalf("%d threads, want 1", got)
	}
	release()
	w.Close()
	if got := duckdbThreads(t, db); got != 1 {
		t.Fatalf("%d threads after the writer, want 1", got)
	}
}

// After the last large read DuckDB keeps every thread for the grace period, and a read that
// starts within it finds them still there.
func TestThreadsGraceAfterAReadAndNoLonger(t *testing.T) {
	ctx := context.Background()
	db := openThreads(t, 2)
	db.threads.grace = 100 * time.Millisecond
	w, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	db.Parallel(ctx)()
	if got := duckdbThreads(t, db); got != 2 {
		t.Fatalf("just after the read: %d threads, want 2 for the grace period", got)
	}
	db.Parallel(ctx)() // a second read within the grace restarts it
	deadline := time.Now().Add(5 * time.Second)
	for duckdbThreads(t, db) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("DuckDB still has every thread 5 s after the last read")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
