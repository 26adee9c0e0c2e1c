package main

import (
	"os"
	"runtime/debug"
	"syscall"
)

// A report is a batch job that may stream a million rows: it should fit beside a running
// server on a small machine rather than take what it finds. These settings hold a 10⁶-response
// evaluator workbook with its Responses sheet under 300 MB of peak RSS (docs/BENCHMARKS.md,
// Excel reports); each yields to a value the user set.
const (
	// reportDBMemory is DuckDB's memory limit for a report read from the file. Each analysis
	// query of a national programme needs about 32 MB; what DuckDB holds above its working
	// memory is a cache of the file's blocks, which a streamed export reads once.
	reportDBMemory = "64MB"
	// reportGoMemory is the Go heap's soft limit (debug.SetMemoryLimit). Without it the
	// collector lets the heap grow to twice what is live, and a report's live heap is mostly
	// large buffers that are cheap to scan.
	reportGoMemory = 128 << 20
	// reportAllocator makes DuckDB's allocator (jemalloc) hand freed pages back to the system at
	// once instead of after its decay time: the export frees a result per block of rows, and
	// the pages otherwise stay resident (about 60 MB at 10⁶ responses). jemalloc reads it from
	// the environment as the process starts, so the report command re-executes itself with it.
	reportAllocator = "dirty_decay_ms:0,muzzy_decay_ms:0"
)

// allocatorEnv is the variable DuckDB's bundled jemalloc reads its options from (the prefixed
// form of MALLOC_CONF).
const allocatorEnv = "DUCKDB_JE_MALLOC_CONF"

// batchMemory applies the report's DuckDB and Go limits where the user left them unset and
// returns a function that restores the Go limit (the tests run commands in one process).
func batchMemory(cfg *Config) (restore func()) {
	if cfg.DBMemoryLimit == "" {
		cfg.DBMemoryLimit = reportDBMemory
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	previous := debug.SetMemoryLimit(reportGoMemory)
	return func() { debug.SetMemoryLimit(previous) }
}

// execWithAllocator re-executes the process with reportAllocator in the environment, unless the
// variable is already set (by the user, or by this function before). It returns only if the
// exec failed, and then the report runs with jemalloc's defaults.
func execWithAllocator() {
	if _, set := os.LookupEnv(allocatorEnv); set {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	_ = syscall.Exec(exe, os.Args, append(os.Environ(), allocatorEnv+"="+reportAllocator))
}
