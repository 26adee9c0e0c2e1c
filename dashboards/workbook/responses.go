package workbook

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/ingest"
)

// responseLayout is the Responses sheet's columns: fixed descriptors, then every scale score
// and every item answer the instruments define.
type responseLayout struct {
	scales, items []string
}

// responseFixed counts the descriptor columns before the scores: respondent, group, modality,
// region, timepoint, session, day, profession, career stage.
const responseFixed = 9

// defineResponses works out the Responses columns from the instruments and lists them in the
// data dictionary.
func (r *report) defineResponses() {
	cols := []column{
		{"Respondent", "a random id made for this export alone: the same person has the same id within this file and a different one in any other export", "text", 18},
		{"Group code", "the group's code", "text", 11},
		{"Modality", "kind of peer-support group", "text", 18},
		{"Region", "the group's region", "text", 18},
		{"Timepoint", "pre, post, followup, or session (the session pulse)", "text", 10},
		{"Session", "the session number, for session pulses", "count", 8},
		{"Submitted on", "the day the questionnaire was submitted (UTC), no time of day", "date", 11},
		{"Profession", "coarse profession the respondent gave", "text", 14},
		{"Career stage", "coarse career stage the respondent gave", "text", 12},
	}
	var l responseLayout
	for _, in := range r.set.All() {
		for _, sc := range in.Scales {
			l.scales = append(l.scales, sc.ID)
			cols = append(cols, column{sc.ID, sc.Title + " score, computed when stored; empty when the scale is not valid", "1 decimal", 10})
		}
	}
	for _, in := range r.set.All() {
		for _, it := range in.Items {
			l.items = append(l.items, it.ID)
			cols = append(cols, column{it.ID, fmt.Sprintf("answer code 1–%d to %q (%s); empty = not answered", it.Options.Len(), it.Text, in.Title), "code", 9})
		}
	}
	r.respLayout = l
	r.respNames, r.respWidths = r.define(sheetResponses, cols)
}

// responses streams one row per questionnaire from DuckDB into the Responses sheet. Only groups
// whose results are shown for every measure are included, so microdata never reveals what the
// tables withhold; free text, response ids and times of day are left out; participant codes
// become per-export random ids whose mapping lives only in memory during the export.
func (r *report) responses(ctx context.Context, db *ingest.DB) error {
	groups, err := r.exportableGroups(ctx, db)
	if err != nil {
		return err
	}
	people, err := r.professionFilter(ctx, db)
	if err != nil {
		return err
	}
	sessions, err := sessionNumbers(ctx, db)
	if err != nil {
		return err
	}
	// The analysis is no longer needed: let the collector have it before the largest sheet.
	r.res.Results, r.res.Groups = nil, nil
	s, err := newSheet(r.f, r.st, sheetResponses, r.respWidths, 1)
	if err != nil {
		return err
	}
	if err := r.responseColumnStyles(s); err != nil {
		return err
	}
	t, err := s.header(r.respNames...)
	if err != nil {
		return err
	}
	ids := newPseudonyms()
	values := make([]any, len(r.respNames))
	err = r.scanResponses(ctx, db, func(raw []any) error {
		gid, pid := raw[0].(int32), raw[1].(int32)
		g, ok := groups[gid]
		if !ok || (people != nil && !people[pid]) {
			return nil
		}
		id, err := ids.of(pid)
		if err != nil {
			return err
		}
		values[0], values[1], values[2], values[3] = id, g.code, g.modality, g.region
		values[4] = raw[2]
		values[5] = nil
		if sid, ok := raw[3].(int32); ok {
			values[5] = sessions[sid]
		}
		copy(values[6:], raw[4:])
		if s.row >= excelize.TotalRows {
			return fmt.Errorf("workbook: more responses than an Excel sheet holds (%d rows): filter the export", excelize.TotalRows-1)
		}
		s.row++
		return s.sw.SetRow("A"+strconv.Itoa(s.row), values)
	})
	if err != nil {
		return err
	}
	t.lastRow = s.row
	return s.finish(&t)
}

// responseColumnStyles formats whole columns, so each response cell is written as its plain
// value: no per-cell style, no allocation beyond the library's own.
func (r *report) responseColumnStyles(s *sheet) error {
	st := r.st
	set := func(from, to, style int) error { return s.sw.SetColStyle(from, to, style) }
	n := len(r.respNames)
	scales := responseFixed + 1
	// Text columns need no format (strings are stored as strings): a style on every cell
	// would cost an attribute per cell across a million rows.
	steps := []struct{ from, to, style int }{
		{7, 7, st.date}, {scales, scales + len(r.respLayout.scales) - 1, st.score},
	}
	for _, c := range steps {
		if c.to >= c.from && c.to <= n {
			if err := set(c.from, c.to, c.style); err != nil {
				return err
			}
		}
	}
	return nil
}

// responseChunk is how many response keys one query reads. The DuckDB driver materialises a
// whole result before the first row is read, so one query for 10⁶ wide rows would hold them
// all in memory; ranges of keys (response_key follows insertion order, and DuckDB skips row
// groups outside a range by their min/max) keep at most one chunk at a time.
const responseChunk = 1 << 15

// scanResponses calls row with each response's values in the order: group_id, participant_id,
// timepoint, session_id, day, profession, career stage, scales…, items…. Rows come in key
// order, which needs no sort of a million wide rows. DuckDB parses each answers document once.
func (r *report) scanResponses(ctx context.Context, db *ingest.DB, row func([]any) error) error {
	var cols, schema []string
	for _, sc := range r.respLayout.scales {
		cols = append(cols, ingest.ScoreColumn(sc))
	}
	for _, it := range r.respLayout.items {
		cols = append(cols, "a."+it)
		schema = append(schema, strconv.Quote(it)+`:"UTINYINT"`)
	}
	q := fmt.Sprintf(`SELECT group_id, participant_id, timepoint, session_id, CAST(submitted_at AS DATE), profession, career_stage, %s
FROM (SELECT *, json_transform(answers, '{%s}') AS a FROM responses WHERE response_key >= $1 AND response_key < $2)`,
		strings.Join(cols, ", "), strings.Join(schema, ","))
	var lo, hi sql.NullInt64
	if err := db.SQL().QueryRowContext(ctx, `SELECT min(response_key), max(response_key) FROM responses`).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("workbook: read responses: %w", err)
	}
	raw := make([]any, 7+len(cols))
	dest := make([]any, len(raw))
	for i := range raw {
		dest[i] = &raw[i]
	}
	for from := lo.Int64; lo.Valid && from <= hi.Int64; from += responseChunk {
		if err := scanChunk(ctx, db, q, from, from+responseChunk, raw, dest, row); err != nil {
			return err
		}
	}
	return nil
}

func scanChunk(ctx context.Context, db *ingest.DB, q string, from, to int64, raw, dest []any, row func([]any) error) error {
	rows, err := db.SQL().QueryContext(ctx, q, from, to)
	if err != nil {
		return fmt.Errorf("workbook: read responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("workbook: read responses: %w", err)
		}
		if err := row(raw); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("workbook: read responses: %w", err)
	}
	return nil
}

// exportGroup is a group whose responses may be exported.
type exportGroup struct{ code, modality, region any }

// exportableGroups are the groups in the analysis whose results are shown for every measure:
// the analysis has applied the smallest cell and complementary suppression to them, so their
// rows reveal nothing the Groups sheet withholds.
func (r *report) exportableGroups(ctx context.Context, db *ingest.DB) (map[int32]exportGroup, error) {
	shown := map[string]bool{}
	for _, row := range r.res.Results {
		if row.Scope != "group" {
			continue
		}
		if ok, seen := shown[row.Key]; !seen || ok {
			shown[row.Key] = !row.Suppressed
		}
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT group_id, group_code, modality, region FROM groups`)
	if err != nil {
		return nil, fmt.Errorf("workbook: read groups: %w", err)
	}
	defer rows.Close()
	out := map[int32]exportGroup{}
	for rows.Next() {
		var id int32
		var code, modality string
		var region sql.NullString
		if err := rows.Scan(&id, &code, &modality, &region); err != nil {
			return nil, err
		}
		if shown[code] {
			g := exportGroup{code: code, modality: modality}
			if region.Valid {
				g.region = region.String
			}
			out[id] = g
		}
	}
	return out, rows.Err()
}

// professionFilter is the set of participants whose latest baseline gave the filtered
// profession, or nil when there is no such filter.
func (r *report) professionFilter(ctx context.Context, db *ingest.DB) (map[int32]bool, error) {
	p := r.o.Filter.Profession
	if p == "" {
		return nil, nil
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT participant_id FROM responses WHERE timepoint = 'pre'
		GROUP BY participant_id HAVING arg_max(profession, (submitted_at, response_key)) = ?`, p)
	if err != nil {
		return nil, fmt.Errorf("workbook: profession filter: %w", err)
	}
	defer rows.Close()
	out := map[int32]bool{}
	for rows.Next() {
		var id int32
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

func sessionNumbers(ctx context.Context, db *ingest.DB) (map[int32]int32, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT session_id, session_no FROM sessions`)
	if err != nil {
		return nil, fmt.Errorf("workbook: read sessions: %w", err)
	}
	defer rows.Close()
	out := map[int32]int32{}
	for rows.Next() {
		var id, no int32
		if err := rows.Scan(&id, &no); err != nil {
			return nil, err
		}
		out[id] = no
	}
	return out, rows.Err()
}

// pseudonyms hands out a fresh random id per participant for one export. The mapping exists
// only in this value: nothing is stored, and another export draws new ids. Ids are kept as
// numbers and spelled out per row: maps of numbers hold no pointers, so the garbage collector,
// which runs often while a million rows stream, never has to walk a quarter of a million
// strings.
type pseudonyms struct {
	ids  map[int32]uint64
	used map[uint64]struct{}
	rnd  *bufio.Reader
	buf  [8]byte
}

func newPseudonyms() *pseudonyms {
	return &pseudonyms{ids: map[int32]uint64{}, used: map[uint64]struct{}{}, rnd: bufio.NewReaderSize(rand.Reader, 4096)}
}

// idAlphabet has no 0/o, 1/l: ids are read aloud and retyped.
const idAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// idBits is the randomness of an id: 12 characters of 5 bits.
const idBits = 60

// of returns participant's id: 'R' and 12 characters (60 random bits), redrawn on the
// (vanishingly rare) collision so two people never share one.
func (p *pseudonyms) of(participant int32) (string, error) {
	v, ok := p.ids[participant]
	for !ok {
		if _, err := io.ReadFull(p.rnd, p.buf[:]); err != nil {
			return "", fmt.Errorf("workbook: random ids: %w", err)
		}
		v = binary.BigEndian.Uint64(p.buf[:]) & (1<<idBits - 1)
		if _, taken := p.used[v]; !taken {
			p.used[v] = struct{}{}
			p.ids[participant] = v
			ok = true
		}
	}
	var b [1 + idBits/5]byte
	b[0] = 'R'
	for i := 1; i < len(b); i++ {
		b[i] = idAlphabet[(v>>(idBits-5*i))&31]
	}
	return string(b[:]), nil
}
