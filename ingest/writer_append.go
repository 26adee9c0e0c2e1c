package ingest

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// appender is the writer's long-lived Appender for participant_codes (responses go through
// responseInsert). Creating an Appender costs more than flushing a batch through it, so the
// writer keeps it and flushes it per batch; in autocommit mode each flush is its own durable
// transaction.
type appender struct {
	table   string
	columns []string
	a       *duckdb.Appender
}

// flush appends rows (emit calls add once per row) and commits them. After a failed flush
// DuckDB invalidates the Appender, so it is dropped and made afresh next time.
func (w *Writer) flush(ctx context.Context, ap *appender, emit func(add func(...driver.Value) error) error) error {
	if ap.a == nil {
		err := w.conn.Raw(func(dc any) error {
			var err error
			ap.a, err = duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", ap.table, ap.columns)
			return err
		})
		if err != nil {
			return fmt.Errorf("writer: appender for %s: %w", ap.table, err)
		}
	}
	err := emit(ap.a.AppendRow)
	if err == nil {
		err = ap.a.Flush()
	}
	if err != nil {
		_ = ap.a.Close()
		ap.a = nil
		return fmt.Errorf("writer: append to %s: %w", ap.table, err)
	}
	return nil
}

// appendParticipants stores codes registered on their own, with their ids, in
// participant_codes.
func (w *Writer) appendParticipants(ctx context.Context, keys []participantKey, ids []int64) error {
	if len(keys) == 0 {
		return nil
	}
	now := time.Now().UTC()
	return w.flush(ctx, &w.participantApp, func(add func(...driver.Value) error) error {
		for i, k := range keys {
			if err := add(int32(ids[i]), k.group, k.code, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// idPool hands out ids from a sequence, reserving them in blocks so that a batch costs no
// query for its ids. Ids skipped by a failed batch are simply never used.
type idPool struct {
	seq       string
	next, end int64 // next id to give; end is one past the last reserved
	ids       []int64
}

const idBlock = 4096

func (p *idPool) take(ctx context.Context, w *Writer, n int) ([]int64, error) {
	p.ids = p.ids[:0]
	for len(p.ids) < n {
		if p.next == p.end {
			if err := p.refill(ctx, w, max(idBlock, n)); err != nil {
				return nil, err
			}
		}
		p.ids = append(p.ids, p.next)
		p.next++
	}
	return slices.Clone(p.ids), nil
}

// refill reserves a block. A sequence gives consecutive values to one statement, but another
// user (the bulk loader) may take values too, so the block is checked to be consecutive and, if
// not, only its consecutive head is used.
func (p *idPool) refill(ctx context.Context, w *Writer, n int) error {
	rows, err := w.conn.QueryContext(ctx, fmt.Sprintf("SELECT nextval('%s') FROM range(?)", p.seq), n)
	if err != nil {
		return fmt.Errorf("writer: reserve ids from %s: %w", p.seq, err)
	}
	defer rows.Close()
	first := true
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		switch {
		case first:
			p.next, p.end, first = id, id+1, false
		case id == p.end:
			p.end++
		}
	}
	return rows.Err()
}
