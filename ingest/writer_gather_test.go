package ingest

import (
	"testing"
	"time"
)

func TestPeakWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var p peakWindow
	for _, step := range []struct {
		after time.Duration
		n     int
		want  int
	}{
		{0, 3, 3},
		{100 * time.Millisecond, 40, 40},
		{900 * time.Millisecond, 5, 40}, // the peak of the second before is kept
		{1500 * time.Millisecond, 2, 40},
		{2100 * time.Millisecond, 4, 40},
		{2600 * time.Millisecond, 4, 4}, // two windows on, the old peak is gone
		{5 * time.Second, 1, 1},         // after a pause of more than two windows only now counts
	} {
		p.observe(t0.Add(step.after), step.n)
		if got := p.peak(); got != step.want {
			t.Fatalf("at +%v after %d waiting: peak %d, want %d", step.after, step.n, got, step.want)
		}
	}
}

func TestGatherWaitsForHalfTheLoadAndNoLonger(t *testing.T) {
	for _, tc := range []struct {
		name      string
		maxDelay  time.Duration
		arriving  int // jobs sent while gather waits
		want      int
		wantBatch int
		maxWait   time.Duration
	}{
		{"a lone submission is not held", time.Second, 0, 1, 1, 100 * time.Millisecond},
		{"stops as soon as it has enough", time.Second, 5, 4, 4, 500 * time.Millisecond},
		{"gives up after the delay", 50 * time.Millisecond, 1, 8, 2, 500 * time.Millisecond},
		{"disabled", -1, 3, 8, 1, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &Writer{queue: make(chan *job, 16), maxBatch: 512, maxDelay: tc.maxDelay}
			go func() {
				for range tc.arriving {
					time.Sleep(2 * time.Millisecond)
					w.queue <- &job{}
				}
			}()
			start := time.Now()
			got := w.gather([]*job{{}}, tc.want)
			if took := time.Since(start); len(got) != tc.wantBatch || took > tc.maxWait {
				t.Fatalf("batch of %d after %v, want %d within %v", len(got), took, tc.wantBatch, tc.maxWait)
			}
		})
	}
}
