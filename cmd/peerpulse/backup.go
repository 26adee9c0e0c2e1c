package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("backup", "Write a consistent snapshot of the database into --out as a new DuckDB file\n"+
		"(<name>-<UTC time>.duckdb). While `peerpulse serve` holds the file, the running server takes the\n"+
		"snapshot without stopping (asked at --addr, with the secret key file). `peerpulse restore` puts it back.",
		args, os.Getenv, stdout, "db", "out", "addr", "secret-key-file")
	if err != nil {
		return err
	}
	if cfg.Out == "" {
		return fmt.Errorf("%w: give the folder to write the backup into with --out", errUsage)
	}
	if err := os.MkdirAll(cfg.Out, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", cfg.Out, err)
	}
	base := strings.TrimSuffix(filepath.Base(cfg.DB), filepath.Ext(cfg.DB))
	dest := filepath.Join(cfg.Out, fmt.Sprintf("%s-%s.duckdb", base, time.Now().UTC().Format("20060102T150405Z")))
	via := "the file"
	var d ingest.Digests
	err = backupFile(ctx, cfg, dest)
	if errors.Is(err, ingest.ErrLocked) {
		via = "the running server"
		d, err = snapshotFromServer(ctx, cfg, dest)
	} else if err == nil {
		// Reading every row back proves the file whole (DuckDB checks each block's checksum).
		if d, err = ingest.DigestFile(ctx, dest); err != nil {
			err = fmt.Errorf("the backup %s does not read back: %w", dest, err)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (from %s): %d tables, %d responses.\n", cfg.DB, dest, via, len(d), d["responses"].Rows)
	return nil
}

func backupFile(ctx context.Context, cfg Config, dest string) error {
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	return errors.Join(db.Backup(ctx, dest), db.Close())
}

// snapshotFromServer asks the running server for a snapshot and writes it to dest, which
// appears only once the whole file has arrived and reads back as a peerpulse database.
func snapshotFromServer(ctx context.Context, cfg Config, dest string) (ingest.Digests, error) {
	partial := dest + ".partial"
	err := askServer(ctx, cfg, "/api/v1/backup", nil, 30*time.Minute, func(body io.Reader) error {
		f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, body)
		return errors.Join(err, f.Sync(), f.Close())
	})
	var d ingest.Digests
	if err == nil {
		d, err = ingest.DigestFile(ctx, partial)
	}
	if err == nil {
		err = os.Rename(partial, dest)
	}
	if err != nil {
		os.Remove(partial)
		return nil, fmt.Errorf("backup through the server: %w", err)
	}
	return d, nil
}
