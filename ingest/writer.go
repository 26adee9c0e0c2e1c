package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Errors a Writer's callers act on.
var (
	// ErrQueueFull means the write queue is at capacity: answer 503 with Retry-After.
	ErrQueueFull = errors.New("the write queue is full")
	// ErrWriterClosed means the service is shutting down and takes no more writes.
	ErrWriterClosed = errors.New("the writer is closed")
	// ErrCodeTaken means a participant code is already in use in its group.
	ErrCodeTaken = errors.New("participant code already in use in this group")
)

// WriterOptions size the submission writer. Zero values take the defaults.
type WriterOptions struct {
	// QueueSize bounds how many writes may wait: beyond it Submit fails fast with ErrQueueFull,
	// so memory stays bounded however hard the service is pushed. Default 4096.
	QueueSize int
	// MaxBatch bounds how many queued writes share one transaction. Default 512.
	MaxBatch int
	// MaxDelay bounds how long a batch is held open for more submissions under load (see
	// Writer.gather). Default 1 ms; negative commits each batch as soon as it is taken.
	MaxDelay time.Duration
	// KeepThreads leaves DuckDB's thread count alone instead of narrowing it to one while the
	// writer runs (see threads), so that a benchmark can measure what one thread buys.
	KeepThreads bool
	Log         *slog.Logger
}

// Stored is what the writer reports for a stored (or already stored) response.
type Stored struct {
	ResponseID string
	// Duplicate is true when the client id had been stored before: nothing new was written and
	// the original result is returned.
	Duplicate bool
	Scales    []ScaleScore
}

// Writer is the single goroutine that writes web submissions. It takes one queued job, drains
// whatever else is already queued, under load holds the batch open a moment for more (gather),
// writes them all in one transaction and acknowledges each only after COMMIT (group commit).
// Its caches of groups, sessions and participants are owned by that goroutine alone.
type Writer struct {
	db       *DB
	log      *slog.Logger
	maxBatch int
	maxDelay time.Duration
	timer    *time.Timer // gather's, reused
	narrowed bool        // DuckDB keeps to one thread while this writer runs

	batches, jobs atomic.Int64 // for Stats

	mu     sync.RWMutex // guards closed against the close of queue
	closed bool
	queue  chan *job
	done   chan struct{}

	conn         *sql.Conn
	groups       map[string]int32
	sessions     map[sessionKey]int32
	participants map[participantKey]int32
	clients      map[uint64]struct{} // hashes of every stored client id

	participantApp               appender
	responses                    *responseInsert
	participantIDs, responseKeys idPool
}

type job struct {
	response *Scored
	// answersJSON is the response's answers encoded by the submitting goroutine: the writer is
	// the one serial step, so work that can run in parallel is done before the queue.
	answersJSON string
	participant *participantKey // register this code as a new participant
	groupCode   string
	result      chan jobResult
}

type jobResult struct {
	stored Stored
	err    error
}

// NewWriter starts the writer on its own connection. Close it before closing the database.
func (db *DB) NewWriter(ctx context.Context, o WriterOptions) (*Writer, error) {
	if o.QueueSize <= 0 {
		o.QueueSize = 4096
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 512
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = time.Millisecond
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("writer: connect: %w", err)
	}
	w := &Writer{db: db, log: o.Log, maxBatch: o.MaxBatch, maxDelay: o.MaxDelay, queue: make(chan *job, o.QueueSize),
		done: make(chan struct{}), conn: conn, participants: map[participantKey]int32{}, clients: map[uint64]struct{}{}}
	w.participantApp = appender{table: "participant_codes", columns: []string{"participant_id", "group_id", "code", "created_at"}}
	w.participantIDs, w.responseKeys = idPool{seq: "participant_id_seq"}, idPool{seq: "response_key_seq"}
	if err := errors.Join(w.loadDirectory(ctx), w.loadClients(ctx)); err != nil {
		conn.Close()
		return nil, err
	}
	w.responses, err = prepareResponseInsert(ctx, conn, db.layout)
	if err != nil {
		conn.Close()
		return nil, err
	}
	w.narrowed = !o.KeepThreads
	if err := w.narrow(ctx); err != nil {
		_ = w.responses.close()
		conn.Close()
		return nil, fmt.Errorf("writer: %w", err)
	}
	go w.run()
	return w, nil
}

// Submit stores a scored response and returns once it is committed. A response whose ClientID
// was stored before is not written again: the original result comes back with Duplicate set.
// It fails fast with ErrQueueFull when the queue is full.
func (w *Writer) Submit(ctx context.Context, s Scored) (Stored, error) {
	return w.enqueue(ctx, &job{response: &s, groupCode: s.GroupCode, answersJSON: w.db.layout.answersJSON(s.Answers)})
}

// RegisterParticipant records a newly issued participant code in a group, so that no one else
// can be given it; ErrCodeTaken when the group already has it.
func (w *Writer) RegisterParticipant(ctx context.Context, groupCode, code string) error {
	_, err := w.enqueue(ctx, &job{participant: &participantKey{code: code}, groupCode: groupCode})
	return err
}

func (w *Writer) enqueue(ctx context.Context, j *job) (Stored, error) {
	j.result = make(chan jobResult, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return Stored{}, ErrWriterClosed
	}
	select {
	case w.queue <- j:
	default:
		w.mu.RUnlock()
		return Stored{}, ErrQueueFull
	}
	w.mu.RUnlock()
	select {
	case r := <-j.result:
		return r.stored, r.err
	case <-ctx.Done():
		// The write may still commit; a retry with the same client id is answered idempotently.
		return Stored{}, ctx.Err()
	}
}

// WriterStats counts what the writer has done since it started.
type WriterStats struct {
	Batches, Jobs int64 // transactions written, and the submissions and registrations in them
}

// Stats reports the writer's counts so far; Jobs/Batches is the average batch.
func (w *Writer) Stats() WriterStats {
	return WriterStats{Batches: w.batches.Load(), Jobs: w.jobs.Load()}
}

// QueueLen is how many writes are waiting, for readiness and metrics.
func (w *Writer) QueueLen() int { return len(w.queue) }

// Close stops taking writes, finishes every write already queued, and releases the connection.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return nil
	}
	w.closed = true
	close(w.queue)
	w.mu.Unlock()
	<-w.done
	return nil
}

func (w *Writer) run() {
	defer close(w.done)
	defer func() {
		if err := w.widen(); err != nil {
			w.log.Error("writer stopped", slog.String("error", err.Error()))
		}
	}()
	defer w.conn.Close()
	defer w.closeStatements()
	batch := make([]*job, 0, w.maxBatch)
	var waiting peakWindow
	for j := range w.queue {
		batch = w.drain(append(batch[:0], j))
		waiting.observe(time.Now(), len(batch))
		batch = w.gather(batch, (waiting.peak()+1)/2)
		w.write(batch)
		w.batches.Add(1)
		w.jobs.Add(int64(len(batch)))
	}
}

func (w *Writer) narrow(ctx context.Context) error {
	if !w.narrowed {
		return nil
	}
	return w.db.writerStarted(ctx)
}

func (w *Writer) widen() error {
	if !w.narrowed {
		return nil
	}
	return w.db.writerStopped(context.Background())
}

// drain adds whatever is already queued to the batch, without waiting.
func (w *Writer) drain(batch []*job) []*job {
	for len(batch) < w.maxBatch {
		select {
		case next, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = append(batch, next)
		default:
			return batch
		}
	}
	return batch
}

// gather holds a batch open, at most maxDelay, until it has want jobs.
//
// A commit costs DuckDB about 0.4 ms of CPU however few rows it carries (docs/BENCHMARKS.md,
// Submissions), so under load it pays to commit fewer, larger batches. want is half the most
// submissions seen waiting on the writer at once in the last second or two: the batch commits
// while the other half is still being decoded and scored, so neither the cores nor the writer
// sit idle, and a lone attendee (peak 1) never waits at all.
func (w *Writer) gather(batch []*job, want int) []*job {
	want = min(want, w.maxBatch)
	if len(batch) >= want || w.maxDelay <= 0 {
		return batch
	}
	if w.timer == nil {
		w.timer = time.NewTimer(w.maxDelay)
	} else {
		w.timer.Reset(w.maxDelay)
	}
	defer w.timer.Stop()
	for len(batch) < want {
		select {
		case next, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = w.drain(append(batch, next))
		case <-w.timer.C:
			return batch
		}
	}
	return batch
}

// peakWindow is the most jobs seen waiting at once, over the current and the previous second,
// so that it follows the load down as well as up.
type peakWindow struct {
	since     time.Time
	cur, prev int
}

func (p *peakWindow) observe(now time.Time, n int) {
	switch gap := now.Sub(p.since); {
	case gap >= 2*time.Second:
		p.prev, p.cur, p.since = 0, 0, now
	case gap >= time.Second:
		p.prev, p.cur, p.since = p.cur, 0, now
	}
	p.cur = max(p.cur, n)
}

func (p *peakWindow) peak() int { return max(p.cur, p.prev) }

func (w *Writer) closeStatements() {
	if ap := &w.participantApp; ap.a != nil {
		if err := ap.a.Close(); err != nil {
			w.log.Error("close appender", slog.String("table", ap.table), slog.String("error", err.Error()))
		}
		ap.a = nil
	}
	if err := w.responses.close(); err != nil {
		w.log.Error("close the responses insert", slog.String("error", err.Error()))
	}
}

// write stores a batch. If that fails, each job is retried alone so that one bad job cannot
// fail the others, and only the bad one reports an error.
func (w *Writer) write(batch []*job) {
	results, err := w.writeBatch(batch)
	if err == nil {
		for i, j := range batch {
			j.result <- results[i]
		}
		return
	}
	if len(batch) == 1 {
		w.log.Error("write failed", slog.String("error", err.Error()))
		batch[0].result <- jobResult{err: err}
		return
	}
	w.log.Warn("batch write failed; retrying one by one", slog.Int("jobs", len(batch)), slog.String("error", err.Error()))
	for _, j := range batch {
		w.write([]*job{j})
	}
}
