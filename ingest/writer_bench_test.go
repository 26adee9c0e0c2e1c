package ingest

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// BenchmarkWriterSubmit measures durable submissions through the writer alone, from 64
// concurrent submitters, each a full 32-item baseline questionnaire from a new participant.
func BenchmarkWriterSubmit(b *testing.B) {
	b.Run("new participants", func(b *testing.B) { benchmarkWriterSubmit(b, false) })
	b.Run("registered participants", func(b *testing.B) { benchmarkWriterSubmit(b, true) })
}

func benchmarkWriterSubmit(b *testing.B, registered bool) {
	ctx := context.Background()
	db, err := Open(ctx, b.TempDir()+"/bench.duckdb", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	set, _ := instrument.Load()
	batch := smallBatch()
	batch.Responses, batch.Attendance = nil, nil
	if _, err := db.Load(ctx, set, batch); err != nil {
		b.Fatal(err)
	}
	w, err := db.NewWriter(ctx, WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	var items []string
	for _, id := range []string{"cbi", "nss_morale"} {
		in, _ := set.Get(id)
		for _, it := range in.Items {
			items = append(items, it.ID)
		}
	}
	jobs := make([]Scored, b.N)
	for i := range jobs {
		answers := map[string]int{}
		for j, id := range items {
			answers[id] = 1 + (i+j)%5
		}
		jobs[i], _ = Score(set, Response{ClientID: fmt.Sprintf("b-%d-%d", b.N, i), GroupCode: "BAL-01",
			ParticipantCode: fmt.Sprintf("P%07d", i), Timepoint: "pre", SubmittedAt: time.Now(), Source: "web", Answers: answers})
	}
	if registered {
		for i := range jobs {
			if err := w.RegisterParticipant(ctx, "BAL-01", jobs[i].ParticipantCode); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	cpu0 := processCPU()
	var wg sync.WaitGroup
	next := make(chan int, b.N)
	for i := range b.N {
		next <- i
	}
	close(next)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if _, err := w.Submit(ctx, jobs[i]); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	// CPU time (user and system, every thread: the writer, DuckDB's and the submitters') per
	// submission: steadier than wall time on a machine whose cores are shared with others.
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU is the process's user plus system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
