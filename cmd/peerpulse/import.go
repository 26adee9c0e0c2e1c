package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/importer"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("import", "Import groups, sessions, attendance and responses from CSV or XLSX files (FORMATS.md).\n"+
		"Every row is checked before anything is written. By default one rejected row refuses the whole import;\n"+
		"--partial writes the valid rows. Importing the same files again adds nothing.",
		args, os.Getenv, stdout, "db", "groups", "sessions", "attendance", "responses", "partial", "rejects", "dry-run")
	if err != nil {
		return err
	}
	files := importer.Files{Groups: cfg.ImportGroups, Sessions: cfg.ImportSessions, Attendance: cfg.ImportAttendance, Responses: cfg.ImportResponses}
	if files == (importer.Files{}) {
		return fmt.Errorf("%w: give at least one of --groups, --sessions, --attendance, --responses", errUsage)
	}
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{Instruments: set})
	if errors.Is(err, ingest.ErrLocked) {
		return fmt.Errorf("%w\nImports write to the database, which the running server holds: stop the server to import from the command line", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	// An import holds every row in memory until it is all checked; collecting garbage less often
	// trades memory (plentiful for one command) for a third less time on a large file.
	debug.SetGCPercent(importGCPercent)
	o := importer.Options{Partial: cfg.Partial, DryRun: cfg.DryRun, Actor: "cli"}
	o.Progress = progress(stderr)
	res, err := importer.Run(ctx, db, set, files, o)
	if res != nil {
		res.WriteReport(stdout)
		if cfg.Rejects != "" && len(res.Rejects) > 0 {
			if werr := writeRejects(cfg.Rejects, res.Rejects); werr != nil {
				return werr
			}
			fmt.Fprintf(stdout, "Rejected rows written to %s.\n", cfg.Rejects)
		}
	}
	if errors.Is(err, importer.ErrRejected) {
		return errSilentFailure
	}
	return err
}

// importGCPercent is the GOGC the import command runs with (the benchmark uses the same).
const importGCPercent = 400

// errSilentFailure makes the command exit 1 when the report already said why.
var errSilentFailure = errors.New("")

func writeRejects(path string, rejects []importer.Reject) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("rejects file: %w", err)
	}
	if err := importer.WriteRejectsCSV(f, rejects); err != nil {
		f.Close()
		return fmt.Errorf("rejects file %s: %w", path, err)
	}
	return f.Close()
}

// progress shows a bar on a terminal once a file passes 50,000 rows; elsewhere (pipes, CI) it
// stays silent so logs are not filled with redraws.
func progress(w io.Writer) func(string, int) {
	f, ok := w.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	var bar *progressbar.ProgressBar
	var current string
	return func(kind string, rows int) {
		if rows < 50_000 && bar == nil {
			return
		}
		if bar == nil || kind != current {
			if bar != nil {
				_ = bar.Finish()
			}
			current = kind
			bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("reading "+kind),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		_ = bar.Set(rows)
	}
}
