package ingest

import (
	"context"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// BenchmarkAppenderWidth measures what the submission writer pays per batch inside DuckDB: one
// Appender flush of 31 rows, committed on its own, into tables of different widths (a third
// each DOUBLE, INTEGER and VARCHAR), and into the widest table through an Appender on some of
// its columns only. An op is one batch. It tells whether a narrower responses table would make
// durable submissions cheaper (docs/BENCHMARKS.md, Submissions).
func BenchmarkAppenderWidth(b *testing.B) {
	const widest, batch = 23, 31
	for _, tc := range []struct {
		table, appended int
	}{{widest, widest}, {widest, 12}, {16, 16}, {12, 12}, {8, 8}} {
		b.Run(fmt.Sprintf("table %d columns, appending %d", tc.table, tc.appended), func(b *testing.B) {
			ctx := context.Background()
			connector, err := duckdb.NewConnector(filepath.Join(b.TempDir(), "width.duckdb"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer connector.Close()
			conn, err := connector.Connect(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			defs, names, row, _ := benchColumns(tc.table)
			row = row[:tc.appended]
			if _, err := conn.(driver.ExecerContext).ExecContext(ctx, "CREATE TABLE t ("+strings.Join(defs, ", ")+")", nil); err != nil {
				b.Fatal(err)
			}
			a, err := duckdb.NewAppenderWithColumns(conn, "", "", "t", names[:tc.appended])
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			b.ResetTimer()
			for range b.N {
				for range batch {
					if err := a.AppendRow(row...); err != nil {
						b.Fatal(err)
					}
				}
				if err := a.Flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
