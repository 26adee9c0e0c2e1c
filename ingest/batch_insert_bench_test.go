package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// benchColumns describes a benchmark table of n columns, a third each DOUBLE, INTEGER and
// VARCHAR: their definitions, names, one row of values and the table function's types.
func benchColumns(n int) (defs, names []string, row []driver.Value, types []duckdb.Type) {
	for i := range n {
		defs = append(defs, fmt.Sprintf("c%d %s", i, []string{"DOUBLE", "INTEGER", "VARCHAR"}[i%3]))
		names = append(names, fmt.Sprintf("c%d", i))
		row = append(row, []driver.Value{float64(i), int32(i), "a text value"}[i%3])
		types = append(types, []duckdb.Type{duckdb.TYPE_DOUBLE, duckdb.TYPE_INTEGER, duckdb.TYPE_VARCHAR}[i%3])
	}
	return defs, names, row, types
}

// genericSource is a table function yielding the same batch of rows on every execution.
type genericSource struct {
	types []duckdb.Type
	rows  [][]driver.Value
	done  bool
}

func (s *genericSource) ColumnInfos() []duckdb.ColumnInfo {
	infos := make([]duckdb.ColumnInfo, len(s.types))
	for i, t := range s.types {
		ti, _ := duckdb.NewTypeInfo(t)
		infos[i] = duckdb.ColumnInfo{Name: fmt.Sprintf("c%d", i), T: ti}
	}
	return infos
}
func (s *genericSource) Cardinality() *duckdb.CardinalityInfo { return nil }
func (s *genericSource) Init()                                { s.done = false }
func (s *genericSource) FillChunk(ch duckdb.DataChunk) error {
	if s.done {
		return ch.SetSize(0)
	}
	for r, row := range s.rows {
		for c, v := range row {
			if err := ch.SetValue(c, r, v); err != nil {
				return err
			}
		}
	}
	s.done = true
	return ch.SetSize(len(s.rows))
}

// BenchmarkBatchInsert compares the two ways the writer could store a batch of 31 rows in a
// table as wide as responses (23 columns, a third each DOUBLE, INTEGER and VARCHAR), each
// committed on its own: an Appender flush, which DuckDB 1.4 plans as a new query every time,
// and the prepared INSERT … SELECT from a table function that the writer uses. An op is one
// batch; cpu-ns/op counts every thread of the process.
func BenchmarkBatchInsert(b *testing.B) {
	const columns, batch = 23, 31
	for _, tc := range []struct {
		name    string
		prepare func(b *testing.B, conn *sql.Conn, row []driver.Value, types []duckdb.Type) func() error
	}{
		{"appender flush", func(b *testing.B, conn *sql.Conn, row []driver.Value, _ []duckdb.Type) func() error {
			var a *duckdb.Appender
			err := conn.Raw(func(dc any) (err error) {
				a, err = duckdb.NewAppender(dc.(driver.Conn), "", "", "t")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { a.Close() })
			return func() error {
				for range batch {
					if err := a.AppendRow(row...); err != nil {
						return err
					}
				}
				return a.Flush()
			}
		}},
		{"prepared insert from a table function", func(b *testing.B, conn *sql.Conn, row []driver.Value, types []duckdb.Type) func() error {
			src := &genericSource{types: types}
			for range batch {
				src.rows = append(src.rows, row)
			}
			err := duckdb.RegisterTableUDF(conn, "bench_batch", duckdb.ChunkTableFunction{
				BindArguments: func(map[string]any, ...any) (duckdb.ChunkTableSource, error) { return src, nil },
			})
			if err != nil {
				b.Fatal(err)
			}
			st, err := conn.PrepareContext(context.Background(), "INSERT INTO t SELECT * FROM bench_batch()")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			return func() error {
				_, err := st.Exec()
				return err
			}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			connector, err := duckdb.NewConnector(filepath.Join(b.TempDir(), "batch.duckdb"), nil)
			if err != nil {
				b.Fatal(err)
			}
			db := sql.OpenDB(connector)
			defer db.Close()
			conn, err := db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			defs, _, row, types := benchColumns(columns)
			if _, err := conn.ExecContext(ctx, "CREATE TABLE t ("+strings.Join(defs, ", ")+")"); err != nil {
				b.Fatal(err)
			}
			flush := tc.prepare(b, conn, row, types)
			b.ResetTimer()
			cpu0 := processCPU()
			for range b.N {
				if err := flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.StopTimer()
			var n int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != batch*b.N {
				b.Fatalf("%d rows stored, want %d (%v)", n, batch*b.N, err)
			}
		})
	}
}
