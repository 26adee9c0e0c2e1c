// Command ppbench runs peerpulse's load benchmarks on this machine, against servers it starts
// itself on 127.0.0.1, with bounded request counts and time. It is run by `make bench`, never
// by `make test`, and prints Markdown for docs/BENCHMARKS.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

func main() {
	requests := flag.Int("requests", 30000, "requests per measured run (after a warm-up)")
	concurrency := flag.Int("concurrency", 64, "concurrent clients")
	runs := flag.Int("runs", 3, "runs per variant; the median is reported")
	limit := flag.Duration("limit", 30*time.Second, "longest a single run may take")
	dbThreads := flag.Int("db-threads", 0, "DuckDB worker threads, as `peerpulse serve --db-threads` (0: DuckDB's default, one per core)")
	ablate := flag.Bool("ablate", false, "also measure the durable endpoint without gathering batches, and with DuckDB's threads kept")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ppbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	cfg := loadConfig{requests: *requests, concurrency: *concurrency, runs: *runs, limit: *limit, dbThreads: *dbThreads, ablate: *ablate}
	if err := runSubmissions(os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "ppbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

type loadConfig struct {
	requests, concurrency, runs int
	limit                       time.Duration
	dbThreads                   int
	ablate                      bool
}

func machine() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d), %s, %s/%s", host, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
