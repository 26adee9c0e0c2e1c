package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/peerpulse/peerpulse/ingest"
)

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("restore", "Make --db a copy of the backup --from (a file `peerpulse backup` wrote). Every table of the\n"+
		"copy is checked against the backup before it replaces anything. An existing database is\n"+
		"replaced only with --force, and never while a server holds it: stop the server first.",
		args, os.Getenv, stdout, "db", "from", "force")
	if err != nil {
		return err
	}
	if cfg.From == "" {
		return fmt.Errorf("%w: give the backup file with --from", errUsage)
	}
	if err := ingest.Restore(ctx, cfg.From, cfg.DB, cfg.Force); err != nil {
		return err
	}
	// Opening migrates a backup from an older version and proves the file is usable.
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{})
	if err != nil {
		return fmt.Errorf("restored %s, but it does not open: %w", cfg.DB, err)
	}
	d, err := db.Digest(ctx)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s from %s: %d tables, %d responses.\n", cfg.DB, cfg.From, len(d), d["responses"].Rows)
	return nil
}
