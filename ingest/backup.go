package ingest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Backup writes a consistent snapshot of the whole database (schema, sequences, every table and
// view) into a new DuckDB file at dest, which must not exist. It may run while the submission
// writer appends: the copy reads one transaction's snapshot, so it holds every submission
// committed before it began and none after, and never half of one. The result is checkpointed
// and needs no write-ahead log beside it.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: connect: %w", err)
	}
	defer conn.Close()
	var name string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Attached names are shared by every connection of the database, so each backup takes its own.
	alias := "pp_backup_" + randomHex(8)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ATTACH %s AS %s (READ_WRITE)", sqlString(dest), alias)); err != nil {
		return fmt.Errorf("backup: create %s: %w", dest, err)
	}
	detached := false
	defer func() {
		if !detached {
			_, _ = conn.ExecContext(context.Background(), "DETACH "+alias)
			_ = removeDatabaseFile(dest)
		}
	}()
	// The schema first (tables, views, sequences with their current values), then the rows in
	// one explicit transaction, so every table is read from the same snapshot. The rows are
	// copied table by table, parents before children: DuckDB's own COPY FROM DATABASE copies
	// in name order and trips over the foreign keys.
	order, err := tablesParentsFirst(ctx, conn, name)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	steps := []string{"BEGIN TRANSACTION", fmt.Sprintf("COPY FROM DATABASE %s TO %s (SCHEMA)", sqlIdent(name), alias)}
	for _, t := range order {
		steps = append(steps, fmt.Sprintf("INSERT INTO %s.main.%s SELECT * FROM %s.main.%s", alias, sqlIdent(t), sqlIdent(name), sqlIdent(t)))
	}
	steps = append(steps, "COMMIT", "CHECKPOINT "+alias, "DETACH "+alias)
	for _, q := range steps {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			return fmt.Errorf("backup to %s: %.60s: %w", dest, q, err)
		}
	}
	detached = true
	return syncFile(dest)
}

// tablesParentsFirst lists the database's tables so that every table comes after the tables
// its foreign keys reference.
func tablesParentsFirst(ctx context.Context, conn *sql.Conn, database string) ([]string, error) {
	parents := map[string][]string{}
	var names []string
	err := scanRows(ctx, conn, fmt.Sprintf(`SELECT table_name FROM duckdb_tables()
		WHERE database_name = %s AND schema_name = 'main' AND NOT temporary ORDER BY table_name`, sqlString(database)),
		func(r *sql.Rows) error {
			var n string
			err := r.Scan(&n)
			names = append(names, n)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	err = scanRows(ctx, conn, fmt.Sprintf(`SELECT table_name, referenced_table FROM duckdb_constraints()
		WHERE database_name = %s AND constraint_type = 'FOREIGN KEY'`, sqlString(database)),
		func(r *sql.Rows) error {
			var child, parent string
			err := r.Scan(&child, &parent)
			parents[child] = append(parents[child], parent)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range parents[n] {
			if p != n {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// ErrTargetExists is returned by Restore when the target file exists and force was not given.
var ErrTargetExists = errors.New("the target database exists")

// Restore makes target a copy of the backup at src. It refuses to replace an existing target
// unless force is set, and refuses (ErrLocked) while another process holds the target. The copy
// is checked table by table against the backup before it replaces the target, and the swap is a
// rename, so a failure at any step leaves the old target as it was. A stale write-ahead log of
// the old target is removed: replayed onto the restored file, it would corrupt it.
func Restore(ctx context.Context, src, target string, force bool) error {
	want, v, err := readBackup(ctx, src)
	if err != nil {
		return fmt.Errorf("restore: read backup %s: %w", src, err)
	}
	// A backup from a newer peerpulse would replace the target and then refuse to open.
	if v > SchemaVersion() {
		return fmt.Errorf("%w: the backup %s is at schema version %d, this binary knows %d", ErrSchemaTooNew, src, v, SchemaVersion())
	}
	if _, err := os.Stat(target); err == nil {
		if !force {
			return fmt.Errorf("%w: %s (give --force to replace it)", ErrTargetExists, target)
		}
		// Opening read-write takes the file lock, so this fails while a server holds it.
		probe, err := openRaw(ctx, target, false)
		if err != nil {
			return err
		}
		if err := probe.Close(); err != nil {
			return fmt.Errorf("restore: close %s: %w", target, err)
		}
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("restore: %w", err)
	}
	if dir := filepath.Dir(target); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("restore: create folder %s: %w", dir, err)
		}
	}
	tmp := target + ".restoring-" + randomHex(4)
	defer removeDatabaseFile(tmp)
	if err := copyFile(src, tmp); err != nil {
		return fmt.Errorf("restore: copy %s: %w", src, err)
	}
	got, err := digestFile(ctx, tmp)
	if err != nil {
		return fmt.Errorf("restore: check the copy: %w", err)
	}
	if d := want.Diff(got); d != "" {
		return fmt.Errorf("restore: the copy differs from the backup: %s", d)
	}
	if err := os.Remove(target + ".wal"); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("restore: remove the old write-ahead log: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(target))
}

// TableDigest is a table's row count and an order-independent checksum of its rows.
type TableDigest struct {
	Rows int64
	Sum  string
}

// Digests maps each base table's name to its digest.
type Digests map[string]TableDigest

// Diff describes how two sets of digests differ, or returns "" when they are equal.
func (d Digests) Diff(other Digests) string {
	var out []string
	for name, a := range d {
		b, ok := other[name]
		switch {
		case !ok:
			out = append(out, name+" missing")
		case a != b:
			out = append(out, fmt.Sprintf("%s has %d rows (sum %s), want %d (sum %s)", name, b.Rows, b.Sum, a.Rows, a.Sum))
		}
	}
	for name := range other {
		if _, ok := d[name]; !ok {
			out = append(out, name+" unexpected")
		}
	}
	return strings.Join(out, "; ")
}

// Digest reads every base table's digest in one snapshot, so a test or a restore can tell
// whether two databases hold the same data.
func (db *DB) Digest(ctx context.Context) (Digests, error) { return digest(ctx, db.sql) }

// DigestFile reads the digests of a peerpulse database file that no process holds, without
// migrating it: how a fresh backup is checked to be whole.
func DigestFile(ctx context.Context, path string) (Digests, error) { return digestFile(ctx, path) }

func digestFile(ctx context.Context, path string) (Digests, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	raw, err := openRaw(ctx, path, true)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	return digest(ctx, raw)
}

func digest(ctx context.Context, pool *sql.DB) (Digests, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var names []string
	rows, err := tx.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 || !slices.Contains(names, "schema_migrations") {
		return nil, errors.New("not a peerpulse database (no schema_migrations table)")
	}
	out := Digests{}
	for _, n := range names {
		// hash() of the whole row, summed: independent of row order, sensitive to every value.
		var d TableDigest
		q := fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM %s AS t`, sqlIdent(n))
		if err := tx.QueryRowContext(ctx, q).Scan(&d.Rows, &d.Sum); err != nil {
			return nil, fmt.Errorf("digest %s: %w", n, err)
		}
		out[n] = d
	}
	return out, nil
}

// readBackup reads a backup's table digests and schema version, opening it once, without
// migrating it.
func readBackup(ctx context.Context, path string) (Digests, int, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, 0, err
	}
	raw, err := openRaw(ctx, path, true)
	if err != nil {
		return nil, 0, err
	}
	defer raw.Close()
	d, err := digest(ctx, raw)
	if err != nil {
		return nil, 0, err
	}
	v, err := (&DB{sql: raw, path: path}).version(ctx)
	return d, v, err
}

// openRaw opens a DuckDB file without migrating it, for checks of files that are not (yet) the
// live database. A file held by another process gives ErrLocked.
func openRaw(ctx context.Context, path string, readOnly bool) (*sql.DB, error) {
	connector, err := duckdb.NewConnector(dsn(path, Options{ReadOnly: readOnly}), nil)
	if err != nil {
		return nil, openError(path, err)
	}
	pool := sql.OpenDB(connector)
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, openError(path, err)
	}
	return pool, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories; the rename itself has happened
	return nil
}

// removeDatabaseFile removes a DuckDB file and its write-ahead log.
func removeDatabaseFile(path string) error {
	return errors.Join(ignoreMissing(os.Remove(path)), ignoreMissing(os.Remove(path+".wal")))
}

func ignoreMissing(err error) error {
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sqlString quotes s as an SQL string literal (file paths cannot be bound as parameters).
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlIdent quotes s as an SQL identifier.
func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
