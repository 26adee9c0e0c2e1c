package dashboards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
)

// backupTimeout bounds the snapshot itself; sending it is bounded by the server's write timeout.
const backupTimeout = 10 * time.Minute

// apiBackup is GET /api/v1/backup: a consistent snapshot of the database, taken while the
// service keeps writing, sent as a DuckDB file. The server holds the file's lock, so
// `peerpulse backup` and `peerpulse export` ask it for this; only they hold the CLI token.
func (h *handler) apiBackup(c *fiber.Ctx) (err error) {
	dir, err := os.MkdirTemp(filepath.Dir(h.DB.Path()), ".backup-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	path := filepath.Join(dir, "snapshot.duckdb")
	ctx, cancel := context.WithTimeout(context.Background(), backupTimeout)
	defer cancel()
	if err := h.DB.Backup(ctx, path); err != nil {
		os.RemoveAll(dir)
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("backup: %w", err)
	}
	// The response closes the stream once sent, which removes the temporary copy.
	snap := &removeOnClose{File: f, dir: dir}
	defer func() {
		if err != nil {
			snap.Close()
		}
	}()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Who took a copy of everyone's answers, and when, is on the record.
	if err = h.DB.Audit(ctx, ingest.AuditEntry{Actor: "cli", Action: "backup", Detail: map[string]any{"bytes": info.Size()}}); err != nil {
		return err
	}
	if err = sendAttachment(c, snap, "application/octet-stream", "snapshot.duckdb"); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// removeOnClose is a file that removes its folder when closed.
type removeOnClose struct {
	*os.File
	dir string
}

func (r *removeOnClose) Close() error {
	err := r.File.Close()
	os.RemoveAll(r.dir)
	return err
}
