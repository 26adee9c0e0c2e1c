package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/peerpulse/peerpulse/ingest"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	cfg.Format = "parquet"
	err := cfg.parse("export", "Export the anonymised tables (groups, sessions, participants, attendance, and responses with\n"+
		"every answer code and scale score) as Parquet files into --out, a new or empty folder, with a manifest.json. Participants and\n"+
		"responses get pseudonyms valid in this export only; codes, free text, tokens and times are left\n"+
		"out (docs/DATA-MODEL.md). While `peerpulse serve` holds the file, it exports a snapshot from that server.",
		args, os.Getenv, stdout, "db", "out", "format", "addr", "secret-key-file", "db-threads", "db-memory-limit")
	if err != nil {
		return err
	}
	if cfg.Format != "parquet" {
		return fmt.Errorf("%w: format %q: only parquet is supported", errUsage, cfg.Format)
	}
	if cfg.Out == "" {
		return fmt.Errorf("%w: give the folder to write the files into with --out", errUsage)
	}
	m, err := exportFile(ctx, cfg, cfg.DB)
	via := "the file"
	if errors.Is(err, ingest.ErrLocked) {
		via = "a snapshot from the running server"
		m, err = exportFromServer(ctx, cfg)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported %s (from %s) to %s:\n", cfg.DB, via, cfg.Out)
	for _, t := range m.Tables {
		fmt.Fprintf(stdout, "  %-22s %8d rows\n", t.File, t.Rows)
	}
	return nil
}

func exportFile(ctx context.Context, cfg Config, path string) (ingest.ExportManifest, error) {
	if _, err := os.Stat(path); err != nil {
		return ingest.ExportManifest{}, fmt.Errorf("no database to export: %w", err)
	}
	// Sorting by pseudonym is the export's big cost: the memory limit makes DuckDB spill it.
	db, err := ingest.Open(ctx, path, ingest.Options{ReadOnly: true, Threads: cfg.DBThreads, MemoryLimit: cfg.DBMemoryLimit})
	if err != nil {
		return ingest.ExportManifest{}, err
	}
	m, err := db.ExportParquet(ctx, cfg.Out)
	return m, errors.Join(err, db.Close())
}

// exportFromServer fetches a snapshot into a private temporary folder, exports from it, and
// removes it: the snapshot holds everything the export leaves out.
func exportFromServer(ctx context.Context, cfg Config) (ingest.ExportManifest, error) {
	tmp, err := os.MkdirTemp("", "peerpulse-export-")
	if err != nil {
		return ingest.ExportManifest{}, err
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, "snapshot.duckdb")
	if _, err := snapshotFromServer(ctx, cfg, snap); err != nil {
		return ingest.ExportManifest{}, err
	}
	return exportFile(ctx, cfg, snap)
}
