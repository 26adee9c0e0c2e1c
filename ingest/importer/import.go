package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/tabular"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Files are the paths to import ("" for a kind not given), read in dependency order.
type Files struct {
	Groups, Sessions, Attendance, Responses string
}

// Options shape an import.
type Options struct {
	// Partial writes the valid rows even when some are rejected; by default one reject refuses
	// the whole import and nothing is written.
	Partial bool
	// DryRun validates and reports but writes nothing.
	DryRun bool
	// Progress, when set, is told every few thousand rows how far a file has got.
	Progress func(kind string, rows int)
	// Actor is who imports, for the audit log.
	Actor string
}

// ErrRejected is returned (with the full Result) when rows were rejected and nothing was written.
var ErrRejected = errors.New("some rows were rejected")

// outcome is what became of one row.
type outcome int

const (
	imported outcome = iota
	duplicate
	rejected
)

// importer carries one import: the stored state it checks against and what it has accepted.
type importer struct {
	db       *ingest.DB
	set      *instrument.Set
	o        Options
	ex       *existing
	batch    ingest.Batch
	res      *Result
	groups   map[string]bool     // codes accepted from the groups file
	sessions map[sessionKey]bool // sessions accepted from the sessions file
	seen     map[string]string   // response ids of this file → fingerprint
}

// Run validates every row of every file, then writes all valid rows in one transaction (or,
// without Partial, nothing when any row was rejected). Re-importing the same files adds nothing.
func Run(ctx context.Context, db *ingest.DB, set *instrument.Set, f Files, o Options) (*Result, error) {
	start := time.Now()
	// Reading what is stored and loading the batch scan and write whole tables.
	defer db.Parallel(ctx)()
	ex, err := readExisting(ctx, db, f.Responses != "")
	if err != nil {
		return nil, err
	}
	im := &importer{db: db, set: set, o: o, ex: ex, res: &Result{DryRun: o.DryRun}, groups: map[string]bool{},
		sessions: map[sessionKey]bool{}, seen: map[string]string{}}
	steps := []struct {
		kind, path string
		run        func(string, string) error
	}{
		{"groups", f.Groups, im.importGroups},
		{"sessions", f.Sessions, im.importSessions},
		{"attendance", f.Attendance, im.importAttendance},
		{"responses", f.Responses, im.importResponses},
	}
	for _, s := range steps {
		if s.path == "" {
			continue
		}
		if err := s.run(s.kind, s.path); err != nil {
			return im.res, err
		}
	}
	im.res.Elapsed = time.Since(start)
	if len(im.res.Rejects) > 0 && !o.Partial {
		return im.res, ErrRejected
	}
	if o.DryRun || im.empty() {
		return im.res, nil
	}
	if _, err := db.Load(ctx, set, &im.batch); err != nil {
		return im.res, fmt.Errorf("write the import: %w", err)
	}
	im.res.Written = true
	im.res.Elapsed = time.Since(start)
	detail := map[string]any{}
	for _, s := range im.res.Summaries {
		detail[s.Kind] = map[string]int{"read": s.Read, "imported": s.Imported, "duplicates": s.Duplicates, "rejected": s.Rejected}
	}
	if err := db.Audit(ctx, ingest.AuditEntry{Actor: o.Actor, Action: "import", Target: f.describe(), Detail: detail}); err != nil {
		return im.res, err
	}
	return im.res, nil
}

func (f Files) describe() string {
	var s string
	for _, p := range []string{f.Groups, f.Sessions, f.Attendance, f.Responses} {
		if p != "" {
			if s != "" {
				s += ", "
			}
			s += p
		}
	}
	return s
}

func (im *importer) empty() bool {
	b := &im.batch
	return len(b.Groups)+len(b.Sessions)+len(b.Attendance)+len(b.Responses) == 0
}

// chunkRows is how many rows are read before they are checked in parallel.
const chunkRows = 8192

// checked is one row after parse: its value, or the reasons it was refused.
type checked struct {
	row    tabular.Row
	value  any
	errors *rowErrors
}

// each reads one file and checks its rows in two steps: parse, which only reads the row and may
// run on every core at once, and accept, which sees the rows one at a time in file order (for
// duplicates within the file and references to earlier rows). It keeps the file's summary.
func (im *importer) each(kind, path string, known, required []string,
	parse func(columns, tabular.Row, *rowErrors) any, accept func(any, *rowErrors) outcome) error {
	t, err := tabular.Open(path)
	if err != nil {
		return err
	}
	defer t.Close()
	c, warnings, err := readHeader(kind, t, known, required)
	im.res.Warnings = append(im.res.Warnings, warnings...)
	if err != nil {
		return err
	}
	sum := Summary{Kind: kind, Path: path}
	width := len(t.Header())
	chunk := make([]checked, 0, chunkRows)
	flush := func() {
		_ = parallelChunk(len(chunk), func(i int) {
			ch := &chunk[i]
			if len(ch.row.Cells) > width {
				ch.errors.add(fmt.Sprintf("column %d", width+1), ch.row.Cells[width], "is beyond the last named column")
			}
			ch.value = parse(c, ch.row, ch.errors)
		})
		for i := range chunk {
			ch := &chunk[i]
			o := rejected
			if ch.errors.ok() {
				o = accept(ch.value, ch.errors)
			}
			switch o {
			case imported:
				sum.Imported++
			case duplicate:
				sum.Duplicates++
			case rejected:
				sum.Rejected++
				im.res.Rejects = append(im.res.Rejects, ch.errors.list...)
			}
		}
		chunk = chunk[:0]
		if im.o.Progress != nil {
			im.o.Progress(kind, sum.Read)
		}
	}
	for {
		row, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s file %s: %w", kind, path, err)
		}
		sum.Read++
		chunk = append(chunk, checked{row: row, errors: &rowErrors{kind: kind, row: row.Number}})
		if len(chunk) == chunkRows {
			flush()
		}
	}
	flush()
	im.res.Summaries = append(im.res.Summaries, sum)
	return nil
}

// parallelChunk runs f over 0..n-1 on every core.
func parallelChunk(n int, f func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
	return nil
}

func (im *importer) knownGroup(code string) bool {
	_, stored := im.ex.groups[code]
	return stored || im.groups[code]
}

func (im *importer) knownSession(group string, no int) bool {
	_, stored := im.ex.sessions[sessionKey{group, no}]
	return stored || im.sessions[sessionKey{group, no}]
}

func (im *importer) importGroups(kind, path string) error {
	parse := func(c columns, row tabular.Row, e *rowErrors) any { return groupRow(c, row, e) }
	return im.each(kind, path, groupColumns, []string{"group_code", "name", "modality"}, parse, func(v any, e *rowErrors) outcome {
		g := v.(ingest.Group)
		if im.groups[g.Code] {
			e.add("group_code", g.Code, "appears twice in this file")
			return rejected
		}
		if stored, ok := im.ex.groups[g.Code]; ok {
			if stored != g {
				e.add("group_code", g.Code, "a group with this code is already stored with other details")
				return rejected
			}
			return duplicate
		}
		im.groups[g.Code] = true
		im.batch.Groups = append(im.batch.Groups, g)
		return imported
	})
}

func (im *importer) importSessions(kind, path string) error {
	// Sessions refer to groups of this import; those are all accepted before sessions are read,
	// so knownGroup is only read while parsing.
	parse := func(c columns, row tabular.Row, e *rowErrors) any { return sessionRow(c, row, e, im.knownGroup) }
	return im.each(kind, path, sessionColumns, []string{"group_code", "session_no", "session_date"}, parse, func(v any, e *rowErrors) outcome {
		s := v.(ingest.Session)
		k := sessionKey{s.GroupCode, s.No}
		if im.sessions[k] {
			e.add("session_no", fmt.Sprint(s.No), "session %d of %s appears twice in this file", s.No, s.GroupCode)
			return rejected
		}
		if stored, ok := im.ex.sessions[k]; ok {
			if !stored.Date.Equal(s.Date) || stored.DurationMinutes != s.DurationMinutes || stored.FacilitatorMinutes != s.FacilitatorMinutes || stored.Topic != s.Topic {
				e.add("session_no", fmt.Sprint(s.No), "session %d of %s is already stored with other details", s.No, s.GroupCode)
				return rejected
			}
			return duplicate
		}
		im.sessions[k] = true
		im.batch.Sessions = append(im.batch.Sessions, s)
		return imported
	})
}

func (im *importer) importAttendance(kind, path string) error {
	seen := map[attendanceKey]bool{}
	parse := func(c columns, row tabular.Row, e *rowErrors) any {
		a, _ := attendanceRow(c, row, e, im.knownSession)
		return a
	}
	return im.each(kind, path, attendanceColumns, attendanceColumns, parse, func(v any, e *rowErrors) outcome {
		a := v.(ingest.Attendance)
		k := attendanceKey{a.GroupCode, a.SessionNo, a.ParticipantCode}
		if att, stored := im.ex.attendance[k]; stored || seen[k] {
			if stored && att == a.Attended {
				return duplicate
			}
			e.add("participant_code", a.ParticipantCode, "attendance at session %d of %s is already recorded", a.SessionNo, a.GroupCode)
			return rejected
		}
		seen[k] = true
		im.batch.Attendance = append(im.batch.Attendance, a)
		return imported
	})
}

func (im *importer) importResponses(kind, path string) error {
	spec := newResponseSpec(im.set)
	type parsed struct {
		r  ingest.Response
		fp string
	}
	var once sync.Once
	var itemCols []int
	parse := func(c columns, row tabular.Row, e *rowErrors) any {
		once.Do(func() { itemCols = spec.itemColumns(c) })
		r := spec.responseRow(c, itemCols, row, e, im.knownGroup)
		if !e.ok() {
			return nil
		}
		fp := fingerprint(r.GroupCode, r.ParticipantCode, r.Timepoint, r.SubmittedAt, r.Profession, r.CareerStage, im.db.AnswersJSON(r.Answers))
		if r.ResponseID == "" {
			r.ResponseID = derivedID(fp)
		}
		return parsed{r, fp}
	}
	return im.each(kind, path, spec.columns, responseRequired, parse, func(v any, e *rowErrors) outcome {
		p := v.(parsed)
		r, fp := p.r, p.fp
		if prev, ok := im.seen[r.ResponseID]; ok {
			if prev == fp {
				return duplicate
			}
			e.add("response_id", r.ResponseID, "appears twice in this file with different content")
			return rejected
		}
		if stored, ok := im.ex.responses[r.ResponseID]; ok {
			if stored == fp {
				return duplicate
			}
			e.add("response_id", r.ResponseID, "a response with this id is already stored with different content")
			return rejected
		}
		im.seen[r.ResponseID] = fp
		im.batch.Responses = append(im.batch.Responses, r)
		return imported
	})
}
