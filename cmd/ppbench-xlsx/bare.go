package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/ingest"
)

// chunk is the key range of one query, as in the workbook.
const chunk = 1 << 17

// writeBare is the baseline: the same query and the same cell values as the Responses sheet,
// written by a plain StreamWriter with no styles, no other sheets and no analysis.
func writeBare(ctx context.Context, path, out, memory string) error {
	db, set, err := open(ctx, path, memory)
	if err != nil {
		return err
	}
	defer db.Close()
	groups := map[int32][3]any{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT group_id, group_code, modality, region FROM groups`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int32
		var code, modality string
		var region sql.NullString
		if err := rows.Scan(&id, &code, &modality, &region); err != nil {
			return err
		}
		groups[id] = [3]any{code, modality, region.String}
	}
	rows.Close()
	header := []any{"Respondent", "Group code", "Modality", "Region", "Timepoint", "Session", "Submitted on", "Profession", "Career stage"}
	var cols, schema []string
	for _, in := range set.All() {
		for _, sc := range in.Scales {
			cols = append(cols, ingest.ScoreColumn(sc.ID))
			header = append(header, sc.ID)
		}
	}
	for _, in := range set.All() {
		for _, it := range in.Items {
			cols = append(cols, "a."+it.ID)
			schema = append(schema, strconv.Quote(it.ID)+`:"UTINYINT"`)
			header = append(header, it.ID)
		}
	}
	// The same query, read in the same key ranges as the workbook (the driver materialises each
	// result), so that the comparison is about writing.
	q := fmt.Sprintf(`SELECT group_id, participant_id, timepoint, session_id, CAST(submitted_at AS DATE), profession, career_stage, %s
FROM (SELECT *, json_transform(answers, '{%s}') AS a FROM responses WHERE response_key >= $1 AND response_key < $2)`,
		strings.Join(cols, ", "), strings.Join(schema, ","))
	var lo, hi sql.NullInt64
	if err := db.SQL().QueryRowContext(ctx, `SELECT min(response_key), max(response_key) FROM responses`).Scan(&lo, &hi); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	raw := make([]any, 7+len(cols))
	dest := make([]any, len(raw))
	for i := range raw {
		dest[i] = &raw[i]
	}
	values := make([]any, len(header))
	ids := map[int32]string{}
	n := 1
	for from := lo.Int64; from <= hi.Int64; from += chunk {
		rows, err := db.SQL().QueryContext(ctx, q, from, from+chunk)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			pid := raw[1].(int32)
			id, ok := ids[pid]
			if !ok {
				id = "R" + strconv.Itoa(int(pid))
				ids[pid] = id
			}
			g := groups[raw[0].(int32)]
			values[0], values[1], values[2], values[3], values[4], values[5] = id, g[0], g[1], g[2], raw[2], raw[3]
			copy(values[6:], raw[4:])
			n++
			if err := sw.SetRow("A"+strconv.Itoa(n), values); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(file); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
