package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/dashboards/workbook"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// reportFlags are the report command's own flags.
type reportFlags struct {
	kind, out string
	minCell   int
	responses bool
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	var rf reportFlags
	cfg.flags = func(fs *flag.FlagSet) {
		fs.StringVar(&rf.kind, "kind", "funder", "funder or evaluator")
		fs.StringVar(&rf.out, "out", "", "the .xlsx file to write (required)")
		fs.IntVar(&rf.minCell, "min-cell", 0, "smallest number of people behind any figure (default 10 for funder, 5 for evaluator; at least 3)")
		fs.BoolVar(&rf.responses, "responses", false, "evaluator only: add the anonymised Responses sheet (one row per questionnaire)")
	}
	err := cfg.parse("report", "Write the funder or evaluator Excel workbook: Summary with charts, Impact, Delivery, Methods,\n"+
		"Data dictionary (evaluators also get Groups, Group delivery and optionally Responses), with\n"+
		"disclosure control. While `peerpulse serve` holds the file, it asks that server.\n"+
		"Reading the file itself, it keeps its memory small: DuckDB at "+reportDBMemory+" unless --db-memory-limit\n"+
		"says otherwise, and a soft limit of 128 MiB on the Go heap unless GOMEMLIMIT is set.",
		args, os.Getenv, stdout, "db", "comparison", "modality", "region", "profession", "programme", "addr", "secret-key-file",
		"db-threads", "db-memory-limit")
	if err != nil {
		return err
	}
	if err := rf.validate(cfg); err != nil {
		return err
	}
	start := time.Now()
	err = writeAtomically(rf.out, func(w io.Writer) error {
		err := reportFile(ctx, cfg, rf, w)
		if errors.Is(err, ingest.ErrLocked) {
			err = reportFromServer(ctx, cfg, rf, w)
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote the %s workbook to %s in %v.\n", rf.kind, rf.out, time.Since(start).Round(time.Millisecond))
	return nil
}

func (rf reportFlags) validate(cfg Config) error {
	switch {
	case rf.kind != "funder" && rf.kind != "evaluator":
		return fmt.Errorf("%w: kind %q is not funder or evaluator", errUsage, rf.kind)
	case rf.out == "":
		return fmt.Errorf("%w: give the file to write with --out", errUsage)
	case rf.minCell != 0 && rf.minCell < minCellFloor:
		return fmt.Errorf("%w: min-cell %d is below the floor of %d", errUsage, rf.minCell, minCellFloor)
	case rf.responses && rf.kind != "evaluator":
		return fmt.Errorf("%w: --responses is for the evaluator workbook only", errUsage)
	}
	if _, ok := analysis.Comparisons[cfg.Comparison]; !ok {
		return fmt.Errorf("%w: comparison %q is not pre-post or pre-followup", errUsage, cfg.Comparison)
	}
	return nil
}

func (rf reportFlags) options(cfg Config) workbook.Options {
	return workbook.Options{Programme: cfg.Programme, Comparison: cfg.Comparison, MinCell: rf.minCell,
		Filter:    analysis.Filter{Modality: cfg.Modality, Region: cfg.Region, Profession: cfg.Profession},
		Responses: rf.responses}
}

// reportFile builds the workbook from the database file, opened read-only.
func reportFile(ctx context.Context, cfg Config, rf reportFlags, w io.Writer) error {
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	defer batchMemory(&cfg)()
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: true, Instruments: set, Threads: cfg.DBThreads, MemoryLimit: cfg.DBMemoryLimit})
	if err != nil {
		return err
	}
	defer db.Close()
	if rf.kind == "evaluator" {
		return workbook.Evaluator(ctx, w, db, set, rf.options(cfg))
	}
	return workbook.Funder(ctx, w, db, set, rf.options(cfg))
}

// reportFromServer asks the running server for the workbook.
func reportFromServer(ctx context.Context, cfg Config, rf reportFlags, w io.Writer) error {
	q := url.Values{"comparison": {cfg.Comparison}, "modality": {cfg.Modality}, "region": {cfg.Region},
		"profession": {cfg.Profession}, "responses": {strconv.FormatBool(rf.responses)}}
	if rf.minCell != 0 {
		q.Set("min_cell", strconv.Itoa(rf.minCell))
	}
	return askServer(ctx, cfg, "/api/v1/reports/"+rf.kind+".xlsx", q, 30*time.Minute, func(body io.Reader) error {
		if _, err := io.Copy(w, body); err != nil {
			return fmt.Errorf("read the server's workbook: %w", err)
		}
		return nil
	})
}

// writeAtomically writes path through a temporary file beside it, renamed into place only when
// write succeeds: a failed report never leaves a half-written workbook behind.
func writeAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
