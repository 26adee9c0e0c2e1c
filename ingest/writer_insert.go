package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// responseInsert stores a batch of responses with one prepared statement,
// INSERT INTO responses (…) SELECT * FROM <a table function reading the batch>.
//
// DuckDB 1.4's Appender turns every flush into a fresh query (INSERT … FROM a materialised
// CTE over the appended rows) that is parsed, bound, optimised and planned each time: about a
// third of the CPU a 31-row batch costs the writer (docs/BENCHMARKS.md, Submissions). A
// prepared statement is planned once; each execution calls the table function's Init, and
// FillChunk copies the batch straight into DuckDB's vectors. The CHECK constraints and column
// types are enforced by the INSERT exactly as for any other insert.
type responseInsert struct {
	src  *batchSource
	stmt *sql.Stmt
}

// tableFunctions numbers the writers' table functions: a registered function cannot be
// dropped, and a process may open more than one writer (tests, a restart in place).
var tableFunctions atomic.Int64

// prepareResponseInsert registers the batch table function on the writer's connection and
// prepares the insert of every responses column, in the order responseRow.fill gives values.
func prepareResponseInsert(ctx context.Context, conn *sql.Conn, l layout) (*responseInsert, error) {
	src := &batchSource{layout: l, names: append(slices.Clone(responseColumns), l.scoreColumns()...)}
	for _, c := range responseColumns {
		t, ok := responseColumnTypes[c]
		if !ok {
			return nil, fmt.Errorf("writer: no type for responses column %s", c)
		}
		src.types = append(src.types, t)
	}
	for range l.scales {
		src.types = append(src.types, duckdb.TYPE_DOUBLE)
	}
	name := fmt.Sprintf("peerpulse_writer_batch_%d", tableFunctions.Add(1))
	err := duckdb.RegisterTableUDF(conn, name, duckdb.ChunkTableFunction{
		BindArguments: func(map[string]any, ...any) (duckdb.ChunkTableSource, error) { return src, nil },
	})
	if err != nil {
		return nil, fmt.Errorf("writer: register %s: %w", name, err)
	}
	q := fmt.Sprintf("INSERT INTO responses (%s) SELECT * FROM %s()", strings.Join(src.names, ", "), name)
	stmt, err := conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("writer: prepare the responses insert: %w", err)
	}
	return &responseInsert{src: src, stmt: stmt}, nil
}

// insert stores rows, giving each its key (none: nothing to do); in autocommit mode it is its own
// durable transaction.
func (ri *responseInsert) insert(ctx context.Context, rows []responseRow, keys []int64) error {
	if len(rows) == 0 {
		return nil
	}
	ri.src.rows, ri.src.keys = rows, keys
	defer func() { ri.src.rows, ri.src.keys = nil, nil }()
	res, err := ri.stmt.ExecContext(ctx)
	if err != nil {
		return fmt.Errorf("writer: insert responses: %w", err)
	}
	// The count guards the one way the function could be fed wrongly: an execution that did
	// not read this batch.
	if n, err := res.RowsAffected(); err != nil || n != int64(len(rows)) {
		return fmt.Errorf("writer: insert responses: %d of %d rows stored (%v)", n, len(rows), err)
	}
	return nil
}

func (ri *responseInsert) close() error { return ri.stmt.Close() }

// responseColumnTypes are the types the batch function gives each fixed responses column;
// the INSERT casts to the table's own types, so these need only be castable.
var responseColumnTypes = map[string]duckdb.Type{
	"response_key": duckdb.TYPE_BIGINT, "response_id": duckdb.TYPE_VARCHAR, "client_id": duckdb.TYPE_VARCHAR,
	"group_id": duckdb.TYPE_INTEGER, "participant_id": duckdb.TYPE_INTEGER, "timepoint": duckdb.TYPE_VARCHAR,
	"session_id": duckdb.TYPE_INTEGER, "submitted_at": duckdb.TYPE_TIMESTAMP, "source": duckdb.TYPE_VARCHAR,
	"profession": duckdb.TYPE_VARCHAR, "career_stage": duckdb.TYPE_VARCHAR, "instrument_versions": duckdb.TYPE_VARCHAR,
	"answers": duckdb.TYPE_VARCHAR, "texts": duckdb.TYPE_VARCHAR, "new_participant_code": duckdb.TYPE_VARCHAR,
}

// batchSource is the table function behind responseInsert: it yields the rows of the batch
// being inserted. It is bound once, when the insert is prepared, and only the writer's
// goroutine executes that statement, so it needs no lock.
type batchSource struct {
	layout layout
	names  []string
	types  []duckdb.Type
	rows   []responseRow
	keys   []int64
	next   int
}

func (s *batchSource) ColumnInfos() []duckdb.ColumnInfo {
	infos := make([]duckdb.ColumnInfo, len(s.types))
	for i, t := range s.types {
		ti, err := duckdb.NewTypeInfo(t)
		if err != nil {
			panic(fmt.Sprintf("writer: type of %s: %v", s.names[i], err)) // primitive types always have one
		}
		infos[i] = duckdb.ColumnInfo{Name: s.names[i], T: ti}
	}
	return infos
}

// Cardinality is unknown at bind time: the statement is prepared once for every batch.
func (s *batchSource) Cardinality() *duckdb.CardinalityInfo { return nil }

// Init starts an execution at the first row of the current batch.
func (s *batchSource) Init() { s.next = 0 }

// FillChunk copies up to a chunk of rows; an empty chunk ends the function.
func (s *batchSource) FillChunk(ch duckdb.DataChunk) error {
	n := min(len(s.rows)-s.next, duckdb.GetDataChunkCapacity())
	row := 0
	err := emitResponses(s.layout, s.rows[s.next:s.next+n], s.keys[s.next:s.next+n])(func(values ...driver.Value) error {
		for c, v := range values {
			if err := ch.SetValue(c, row, v); err != nil {
				return fmt.Errorf("%s: %w", s.names[c], err)
			}
		}
		row++
		return nil
	})
	if err != nil {
		return err
	}
	s.next += n
	return ch.SetSize(n)
}
