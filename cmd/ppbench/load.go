package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// result is one measured run: throughput and latency percentiles.
type result struct {
	perSecond float64
	p50, p99  time.Duration
	errors    int64
	statuses  map[int]int64
	// cpuPerRequest is the CPU time of this whole process (server, writer, DuckDB and load
	// generator) divided by the requests done: where the two cores went.
	cpuPerRequest time.Duration
}

// load posts bodies to url from cfg.concurrency clients until cfg.requests are done or the time
// limit passes. Each request's latency is recorded; non-2xx answers are counted as errors.
func load(url string, cfg loadConfig, body func(i int) []byte) (result, error) {
	client := &fasthttp.HostClient{Addr: url, MaxConns: cfg.concurrency, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	var next atomic.Int64
	var errs atomic.Int64
	latencies := make([]time.Duration, cfg.requests)
	statuses := make([]map[int]int64, cfg.concurrency)
	deadline := time.Now().Add(cfg.limit)
	cpu0 := processCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range cfg.concurrency {
		statuses[w] = map[int]int64{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI("http://" + url + "/api/v1/responses")
			req.Header.SetMethod("POST")
			req.Header.SetContentType("application/json")
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.requests || time.Now().After(deadline) {
					return
				}
				req.SetBodyRaw(body(i))
				t0 := time.Now()
				err := client.Do(req, resp)
				latencies[i] = time.Since(t0)
				if err != nil {
					errs.Add(1)
					continue
				}
				statuses[w][resp.StatusCode()]++
				if resp.StatusCode() >= 300 {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	done := min(int(next.Load()), cfg.requests)
	lat := slices.Clone(latencies[:done])
	slices.Sort(lat)
	r := result{errors: errs.Load(), statuses: map[int]int64{}}
	for _, m := range statuses {
		for k, v := range m {
			r.statuses[k] += v
		}
	}
	if done == 0 {
		return r, fmt.Errorf("no request completed")
	}
	r.perSecond = float64(done) / elapsed.Seconds()
	r.cpuPerRequest = cpu / time.Duration(done)
	r.p50 = lat[done/2]
	r.p99 = lat[min(done-1, done*99/100)]
	return r, nil
}

// median returns the run with the median throughput, reporting its own latencies.
func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int {
		switch {
		case a.perSecond < b.perSecond:
			return -1
		case a.perSecond > b.perSecond:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// processCPU is the user and system CPU time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
