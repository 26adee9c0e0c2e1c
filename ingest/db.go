// Package ingest owns peerpulse's storage: the DuckDB file, its schema and migrations, the
// programme records (groups, sessions, attendance, participants) and the bulk loaders that write
// responses with their answers and scale scores. It computes no statistics.
package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ErrLocked is returned by Open when another process holds the database file.
var ErrLocked = errors.New("database file is in use by another process")

// Options tune how the DuckDB file is opened.
type Options struct {
	// ReadOnly opens the file without taking the writer lock, so a CLI command can read while
	// nothing else writes. DuckDB still refuses when another process holds it read-write.
	ReadOnly bool
	// Threads and MemoryLimit bound DuckDB's own resources; zero values leave DuckDB's defaults.
	Threads     int
	MemoryLimit string
	// Instruments decide the responses table's item, text and scale columns; nil means the
	// embedded definitions.
	Instruments *instrument.Set
}

// DB is the open peerpulse database: one DuckDB file, migrated to the current schema.
type DB struct {
	sql     *sql.DB
	path    string
	set     *instrument.Set
	layout  layout
	threads threads
}

// SQL exposes the connection pool for packages that read (analysis, dashboards). Writes go
// through ingest so that one place owns transactions and the single-writer rule.
func (db *DB) SQL() *sql.DB { return db.sql }

// Path is the database file's path as given to Open.
func (db *DB) Path() string { return db.path }

// Open opens (creating if needed) the DuckDB file at path and migrates it to the schema this
// binary knows. A file held by another process gives ErrLocked with a message that says what to
// do; a file from a newer binary gives ErrSchemaTooNew.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no file given")
	}
	if !o.ReadOnly {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("open database: create folder %s: %w", dir, err)
			}
		}
	}
	connector, err := duckdb.NewConnector(dsn(path, o), nil)
	if err != nil {
		return nil, openError(path, err)
	}
	sqlDB := sql.OpenDB(connector)
	// Keep connections: DuckDB connections are cheap, but churning the pool discards their
	// caches and costs a round of setup on every burst.
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, openError(path, err)
	}
	if o.Instruments == nil {
		if o.Instruments, err = instrument.Load(); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	}
	db := &DB{sql: sqlDB, path: path, set: o.Instruments, layout: newLayout(o.Instruments)}
	db.threads.grace = defaultGrace
	if o.ReadOnly {
		err = db.checkVersion(ctx)
	} else if err = db.migrate(ctx); err == nil {
		err = db.ensureInstruments(ctx)
	}
	if err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// dsn puts every setting in the connection string: a SET through the pool would reach only one
// connection. Extensions are never downloaded: the machines that run peerpulse are offline.
func dsn(path string, o Options) string {
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	if o.ReadOnly {
		q.Set("access_mode", "read_only")
	} else {
		// DuckDB checkpoints inside the commit that takes the WAL past this size, and the
		// submission writer's commits are the ones that do: at the default 16 MB (~28,000
		// submissions) each checkpoint stalled a batch for 70–250 ms and rewrote the half-full
		// row group again. 64 MiB (~110,000 submissions) makes them four times rarer; the price
		// is replay at start after a crash (about 1 s per 35 MB measured here). Close
		// checkpoints, so a clean stop replays nothing. See docs/BENCHMARKS.md, Submissions.
		q.Set("checkpoint_threshold", "64MiB")
	}
	if o.Threads > 0 {
		q.Set("threads", fmt.Sprint(o.Threads))
	}
	if o.MemoryLimit != "" {
		q.Set("memory_limit", o.MemoryLimit)
	}
	return path + "?" + q.Encode()
}

var lockHolder = regexp.MustCompile(`PID (\d+)`)

// openError turns DuckDB's multi-line lock message into one line a person can act on.
func openError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		holder := "another process"
		if m := lockHolder.FindStringSubmatch(msg); m != nil {
			holder = "process " + m[1]
		}
		return fmt.Errorf("%w: %s is held by %s (probably a running `peerpulse serve`); stop it, or give another file with --db", ErrLocked, path, holder)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// Close checkpoints the write-ahead log into the file and closes it, so the next start replays
// nothing and a copy of the file alone is a complete backup.
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var errs []error
	if !db.readOnly(ctx) {
		if _, err := db.sql.ExecContext(ctx, "CHECKPOINT"); err != nil {
			errs = append(errs, fmt.Errorf("checkpoint %s: %w", db.path, err))
		}
	}
	if err := db.sql.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close %s: %w", db.path, err))
	}
	return errors.Join(errs...)
}

func (db *DB) readOnly(ctx context.Context) bool {
	var mode string
	err := db.sql.QueryRowContext(ctx, "SELECT current_setting('access_mode')").Scan(&mode)
	return err == nil && strings.EqualFold(mode, "read_only")
}

// Ping checks that DuckDB answers a query, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database %s does not answer: %w", db.path, err)
	}
	return nil
}
