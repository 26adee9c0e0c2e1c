package analysis

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// people holds one entry per participant with a counted response at pre or at the later
// timepoint, in a group inside the filter. A score that is not valid (or whose timepoint has no
// counted response) is NaN: scores themselves are never NaN.
type people struct {
	nm       int     // measures
	group    []int32 // index into groups
	keep     []bool  // passes the profession filter: counted in the statistics
	hasPre   []bool
	hasLater []bool
	sessions []int32
	scores   []float64 // per participant, per measure: pre, later
}

func (p *people) len() int { return len(p.group) }

func (p *people) pre(i, mi int) float64  { return p.scores[(i*p.nm+mi)*2] }
func (p *people) post(i, mi int) float64 { return p.scores[(i*p.nm+mi)*2+1] }

// readPeople runs the person query on one connection and reads it straight from the driver:
// database/sql's per-value conversion would cost more than the analysis itself on a national
// programme (a quarter of a million rows). Every row feeds the programme's reliability (which
// is unfiltered); p.group holds group ids until inGroups replaces them with indexes. Participants
// tied at their latest submitted_at are read again by the exact query.
//
// spans are the participant ids to read, one query each, and registered the number of
// participants on record (see peopleSpans).
func readPeople(ctx context.Context, db *sql.DB, ms []Measure, later, profession string, acc *reliabilityAcc, spans []idSpan, registered int64) (*people, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	p := &people{nm: len(ms)}
	// Growing a dozen columns of a quarter of a million entries by doubling costs a tenth of a
	// second: size them once.
	p.reserve(int(min(registered, 1<<26)))
	var tied []string
	// Answers documents are parsed on another goroutine while rows are read.
	docs := make(chan []string, 4)
	parsed := make(chan struct{})
	go func(docs <-chan []string) {
		for batch := range docs {
			for _, d := range batch {
				acc.addAnswers(d)
			}
		}
		close(parsed)
	}(docs)
	batch := make([]string, 0, 1024)
	defer func() {
		if docs != nil {
			close(docs)
			<-parsed
		}
	}()
	read := func(q string) error {
		return conn.Raw(func(dc any) error {
			qc, ok := dc.(driver.QueryerContext)
			if !ok {
				return errors.New("driver cannot query")
			}
			rows, err := qc.QueryContext(ctx, q, []driver.NamedValue{{Name: "profession", Value: profession}})
			if err != nil {
				return err
			}
			defer rows.Close()
			dest := make([]driver.Value, 4+2*len(ms))
			for {
				if err := rows.Next(dest); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				doc, err := p.add(dest, ms, acc, &tied)
				if err != nil {
					return err
				}
				if doc != "" {
					batch = append(batch, doc)
					if len(batch) == cap(batch) {
						docs <- batch
						batch = make([]string, 0, 1024)
					}
				}
			}
		})
	}
	for _, span := range spans {
		if err := read(personSQL(ms, later, span)); err != nil {
			return nil, fmt.Errorf("analysis: read participants: %w", err)
		}
	}
	if len(tied) > 0 {
		exact := tied
		tied = nil
		if err := read(exactSQL(ms, later, strings.Join(exact, ", "))); err != nil {
			return nil, fmt.Errorf("analysis: read tied participants: %w", err)
		}
		if len(tied) > 0 {
			return nil, errors.New("analysis: tied participants stayed tied")
		}
	}
	docs <- batch
	close(docs)
	docs = nil
	<-parsed
	return p, nil
}

// A span is how many participants one person query reads. The DuckDB driver materialises a
// whole result before its first row, and the aggregation behind it keeps some thirty states
// per participant: on a national programme (10⁶ responses, a quarter of a million participants)
// one query took DuckDB to about 400 MB, and under a small memory limit it failed. So a span
// holds as many participants as DuckDB's memory limit allows at spanBytes each: one span
// under the usual limit (most of the machine's memory), several for a report run at a small
// limit (peerpulse report uses 64 MB: spans of 32,768, 8 queries at national scale).
const (
	// spanBytes is the memory limit allowed per participant of a span. Spans of 65,536 ran out
	// of memory at 48 MB and at times at 64 MB; spans of 32,768 ran at 32 MB.
	spanBytes = 2048
	// minSpan keeps a tiny limit from splitting the analysis into thousands of queries.
	minSpan = 4096
)

// spanPeople, when not zero, is the span size to use whatever the memory limit (tests).
var spanPeople int64

// peopleSpans splits the participant ids into spans (see spanBytes) and returns them with the
// number of participants on record. The first and last spans are open ended, so no participant
// id can fall outside them.
func peopleSpans(ctx context.Context, db *sql.DB) ([]idSpan, int64, error) {
	var lo, hi sql.NullInt64
	var n int64
	var limit string
	err := db.QueryRowContext(ctx, "SELECT min(participant_id), max(participant_id), count(*), current_setting('memory_limit') FROM participants").Scan(&lo, &hi, &n, &limit)
	if err != nil {
		return nil, 0, err
	}
	size := spanPeople
	if size == 0 {
		size = max(minSpan, bytesOf(limit)/spanBytes)
	}
	parts := max(1, (n+size-1)/size)
	width := max(1, (hi.Int64-lo.Int64+parts)/parts)
	spans := make([]idSpan, parts)
	for i := range spans {
		spans[i] = idSpan{lo: lo.Int64 + int64(i)*width, hi: lo.Int64 + int64(i+1)*width - 1}
	}
	spans[0].lo, spans[len(spans)-1].hi = math.MinInt32, math.MaxInt32
	return spans, n, nil
}

// bytesOf reads DuckDB's spelling of a size ("61.0 MiB", "19.2 GiB", "512 bytes"). A spelling
// it does not know counts as 0, which gives the smallest spans: slower, never short of memory.
func bytesOf(s string) int64 {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0
	}
	scale := map[string]float64{"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	return int64(min(v*scale, math.MaxInt64/2))
}

// add takes one row of the person query (see personSQL for its columns) and returns the
// baseline answers document for the reliability, if any.
func (p *people) add(row []driver.Value, ms []Measure, acc *reliabilityAcc, tied *[]string) (string, error) {
	id, ok1 := row[0].(int32)
	gid, ok2 := row[1].(int32)
	flags, ok3 := row[2].(int32)
	if !ok1 || !ok2 || !ok3 {
		return "", fmt.Errorf("unexpected column types %T, %T, %T", row[0], row[1], row[2])
	}
	if flags&4 != 0 {
		*tied = append(*tied, strconv.Itoa(int(id)))
		return "", nil
	}
	hasPre := flags&1 != 0
	for mi := range ms {
		acc.addScore(mi, scoreValue(row[4+2*mi]))
	}
	doc, _ := row[3].(string)
	if !hasPre {
		doc = ""
	}
	p.group = append(p.group, gid)
	p.keep = append(p.keep, flags&8 != 0)
	p.hasPre = append(p.hasPre, hasPre)
	p.hasLater = append(p.hasLater, flags&2 != 0)
	p.sessions = append(p.sessions, flags>>4)
	for mi := range ms {
		p.scores = append(p.scores, scoreValue(row[4+2*mi]), scoreValue(row[5+2*mi]))
	}
	return doc, nil
}

// reserve makes room for n participants.
func (p *people) reserve(n int) {
	n = max(n, 16)
	p.group = make([]int32, 0, n)
	p.keep = make([]bool, 0, n)
	p.hasPre = make([]bool, 0, n)
	p.hasLater = make([]bool, 0, n)
	p.sessions = make([]int32, 0, n)
	p.scores = make([]float64, 0, n*2*p.nm)
}

// inGroups keeps the participants of the groups in groupIndex (group id → index; false:
// outside the filter) and replaces their group ids with the indexes.
func (p *people) inGroups(groupIndex func(int32) (int32, bool)) {
	n := 0
	for i, gid := range p.group {
		g, in := groupIndex(gid)
		if !in {
			continue
		}
		p.group[n], p.keep[n], p.hasPre[n], p.hasLater[n], p.sessions[n] = g, p.keep[i], p.hasPre[i], p.hasLater[i], p.sessions[i]
		copy(p.scores[n*2*p.nm:(n+1)*2*p.nm], p.scores[i*2*p.nm:(i+1)*2*p.nm])
		n++
	}
	p.group, p.keep, p.hasPre, p.hasLater, p.sessions = p.group[:n], p.keep[:n], p.hasPre[:n], p.hasLater[:n], p.sessions[:n]
	p.scores = p.scores[:n*2*p.nm]
}

func scoreValue(v driver.Value) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}
