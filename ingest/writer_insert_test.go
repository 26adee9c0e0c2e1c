package ingest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// The prepared insert stores batches larger than one DuckDB chunk (2,048 rows) whole, each row
// with its own values, and stays usable after a batch the table refuses.
func TestResponseInsertAcrossChunksAndAfterARefusal(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	defer db.Close()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ri, err := prepareResponseInsert(ctx, conn, db.layout)
	if err != nil {
		t.Fatal(err)
	}
	defer ri.close()
	batch := func(n, from int, source string) ([]responseRow, []int64) {
		rows, keys := make([]responseRow, n), make([]int64, n)
		for i := range rows {
			s, err := Score(set, Response{ClientID: fmt.Sprintf("chunk-%d", from+i), GroupCode: "G", ParticipantCode: "P",
				Timepoint: "pre", SubmittedAt: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Source: source,
				Answers: map[string]int{"cbi_p1": 1 + (from+i)%5, "cbi_p2": 1, "cbi_p3": 1}})
			if err != nil {
				t.Fatal(err)
			}
			rows[i] = responseRow{Scored: s, group: 1, person: int32(from + i)}
			keys[i] = int64(from + i)
		}
		return rows, keys
	}
	rows, keys := batch(2500, 0, "web")
	if err := ri.insert(ctx, rows, keys); err != nil {
		t.Fatal(err)
	}
	bad, badKeys := batch(3, 5000, "web")
	bad[1].Source = "carrier-pigeon" // fails the table's CHECK
	if err := ri.insert(ctx, bad, badKeys); err == nil {
		t.Fatal("a refused row was stored without an error")
	}
	more, moreKeys := batch(10, 6000, "web")
	if err := ri.insert(ctx, more, moreKeys); err != nil {
		t.Fatalf("after a refused batch: %v", err)
	}
	var n, mismatched, refused int
	if err := db.SQL().QueryRow(`SELECT count(*),
			count(*) FILTER (client_id <> 'chunk-' || participant_id OR response_key <> participant_id OR answers NOT LIKE '%"cbi_p1":' || (1 + participant_id % 5) || '%'),
			count(*) FILTER (participant_id >= 5000 AND participant_id < 6000)
		FROM responses WHERE client_id LIKE 'chunk-%'`).Scan(&n, &mismatched, &refused); err != nil {
		t.Fatal(err)
	}
	if n != 2510 || mismatched != 0 || refused != 0 {
		t.Fatalf("%d rows (want 2510), %d with another row's values, %d of the refused batch", n, mismatched, refused)
	}
}
