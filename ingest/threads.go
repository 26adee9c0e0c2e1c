package ingest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// threads switches DuckDB between one thread, while the submission writer runs, and its full
// thread count, while a large read (an analysis, an export, a bulk load) runs.
//
// DuckDB runs every statement as pipeline tasks on a shared pool. With worker threads in the
// pool, a worker often takes the writer's small insert task and the writer's own thread polls
// for it to finish, and each batch pays thread wake-ups: measured on two cores, durable
// submissions ran at 0.38–0.49 of the write-step-off throughput with DuckDB's default threads
// against 0.53–0.66 with one thread, the rest the same (docs/BENCHMARKS.md, Submissions). A
// large read, on the other hand, is faster with every core. DuckDB's thread count is one
// setting for the whole database, so it follows whichever work is running: any read that asked
// for parallelism gets it, and the writer's commits run on one thread the rest of the time.
type threads struct {
	mu      sync.Mutex
	full    int  // DuckDB's thread count as opened (Options.Threads, or one per core)
	writers int  // running writers
	readers int  // running reads that asked for every thread
	narrow  bool // DuckDB is at one thread because of a writer
	// grace is how long DuckDB keeps every thread after the last large read, so that a burst of
	// dashboard views does not stop and start DuckDB's worker threads for each one (that churn
	// measured 3–5 % on a 10⁶-response analysis). Zero narrows at once.
	grace time.Duration
	timer *time.Timer
}

// defaultGrace is threads.grace for every database.
const defaultGrace = 2 * time.Second

// setThreads changes DuckDB's thread count for the whole database.
func (db *DB) setThreads(ctx context.Context, n int) error {
	if _, err := db.sql.ExecContext(ctx, fmt.Sprintf("SET GLOBAL threads = %d", n)); err != nil {
		return fmt.Errorf("set DuckDB threads to %d: %w", n, err)
	}
	return nil
}

// fullThreads reads the thread count DuckDB was opened with, once.
func (db *DB) fullThreads(ctx context.Context) (int, error) {
	if db.threads.full == 0 {
		if err := db.sql.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&db.threads.full); err != nil {
			return 0, fmt.Errorf("read DuckDB threads: %w", err)
		}
	}
	return db.threads.full, nil
}

// narrowLocked puts DuckDB on one thread if a writer runs and no large read does.
func (db *DB) narrowLocked(ctx context.Context) error {
	t := &db.threads
	if t.narrow || t.writers == 0 || t.readers > 0 || t.full <= 1 {
		return nil
	}
	if err := db.setThreads(ctx, 1); err != nil {
		return err
	}
	t.narrow = true
	return nil
}

// widenLocked gives DuckDB every thread again, cancelling a pending narrowing.
func (db *DB) widenLocked(ctx context.Context) error {
	t := &db.threads
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if !t.narrow {
		return nil
	}
	if err := db.setThreads(ctx, t.full); err != nil {
		return err
	}
	t.narrow = false
	return nil
}

// writerStarted narrows DuckDB to one thread unless a large read is running.
func (db *DB) writerStarted(ctx context.Context) error {
	t := &db.threads
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := db.fullThreads(ctx); err != nil {
		return err
	}
	t.writers++
	return db.narrowLocked(ctx)
}

// writerStopped gives DuckDB its full thread count back once no writer runs.
func (db *DB) writerStopped(ctx context.Context) error {
	t := &db.threads
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writers--
	if t.writers > 0 {
		return nil
	}
	return db.widenLocked(ctx)
}

// Parallel gives DuckDB every thread until release is called, for a read that scans the whole
// database; while a writer runs, DuckDB otherwise keeps to one thread (after a short grace).
// Calls nest and overlap freely. A failure to change the setting only costs speed, so it is not
// an error: the read goes ahead with the threads DuckDB has.
func (db *DB) Parallel(ctx context.Context) (release func()) {
	t := &db.threads
	t.mu.Lock()
	defer t.mu.Unlock()
	t.readers++
	_ = db.widenLocked(context.WithoutCancel(ctx))
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			t.readers--
			if t.readers > 0 || t.writers == 0 {
				return
			}
			if t.grace <= 0 {
				_ = db.narrowLocked(context.WithoutCancel(ctx))
				return
			}
			var timer *time.Timer
			timer = time.AfterFunc(t.grace, func() {
				t.mu.Lock()
				defer t.mu.Unlock()
				if t.timer == timer { // not cancelled meanwhile
					t.timer = nil
					_ = db.narrowLocked(context.Background())
				}
			})
			t.timer = timer // none is pending: the Parallel that raised readers cancelled it
		})
	}
}
