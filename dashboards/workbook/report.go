package workbook

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Default smallest cells (INSTRUMENTS.md §6): funder exports 10, evaluator outputs 5.
const (
	DefaultFunderMinCell    = 10
	DefaultEvaluatorMinCell = 5
)

// Options say which analysis a workbook reports and how.
type Options struct {
	// Programme overrides the programme name stored in the database when not empty.
	Programme string
	// Comparison is "pre-post" (default) or "pre-followup".
	Comparison string
	// MinCell is the smallest number of paired respondents behind any figure; zero means the
	// default of the workbook's kind. It is never below analysis.MinCellFloor.
	MinCell int
	// Filter restricts the analysis as the dashboards' filters do.
	Filter analysis.Filter
	// Responses adds the anonymised Responses sheet (evaluator workbook only).
	Responses bool
	// Now is the generation time (default time.Now), injectable so tests are repeatable.
	Now func() time.Time
}

// ErrResponsesForEvaluators is returned when a funder workbook is asked for response rows.
var ErrResponsesForEvaluators = errors.New("workbook: the Responses sheet is only in the evaluator workbook")

type kind int

const (
	funder kind = iota
	evaluator
)

func (k kind) String() string {
	if k == funder {
		return "funder"
	}
	return "evaluator"
}

// Funder writes the funder workbook to w: Summary, Impact, Delivery, Methods and Data
// dictionary, with no breakdown by group (INSTRUMENTS.md §6).
func Funder(ctx context.Context, w io.Writer, db *ingest.DB, set *instrument.Set, o Options) error {
	if o.Responses {
		return ErrResponsesForEvaluators
	}
	return write(ctx, w, db, set, o, funder)
}

// Evaluator writes the evaluator workbook to w: the funder's sheets plus Groups and Group
// delivery, and with o.Responses the anonymised Responses sheet.
func Evaluator(ctx context.Context, w io.Writer, db *ingest.DB, set *instrument.Set, o Options) error {
	return write(ctx, w, db, set, o, evaluator)
}

// report is one workbook being written.
type report struct {
	kind     kind
	o        Options
	res      *analysis.Results
	set      *instrument.Set
	measures []measureInfo
	meta     meta
	f        *excelize.File
	st       *styles
	dict     []dictEntry

	respLayout responseLayout
	respNames  []string
	respWidths []float64
}

func write(ctx context.Context, w io.Writer, db *ingest.DB, set *instrument.Set, o Options, k kind) error {
	if o.MinCell == 0 {
		o.MinCell = DefaultEvaluatorMinCell
		if k == funder {
			o.MinCell = DefaultFunderMinCell
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// The report scans the whole database (the analysis, and for evaluators every response).
	defer db.Parallel(ctx)()
	res, err := analysis.Run(ctx, db, set, analysis.Options{Programme: o.Programme, Comparison: o.Comparison,
		MinCell: o.MinCell, Filter: o.Filter, Now: o.Now})
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	r := &report{kind: k, o: o, res: res, set: set, measures: measureInfos(set, res)}
	if r.meta, err = readMeta(ctx, db, res.Comparison, o.Filter); err != nil {
		return err
	}
	r.f = excelize.NewFile(excelize.Options{})
	defer r.f.Close()
	if r.st, err = newStyles(r.f); err != nil {
		return err
	}
	steps := []func() error{r.summary, r.impact, r.delivery}
	if k == evaluator {
		steps = append(steps, r.groups, r.groupDelivery)
	}
	steps = append(steps, r.methods)
	if k == evaluator && o.Responses {
		// The Responses columns follow from the instruments alone, so the dictionary can list
		// them before the (largest, hence last) sheet is streamed.
		r.defineResponses()
	}
	steps = append(steps, r.dictionary)
	if k == evaluator && o.Responses {
		steps = append(steps, func() error { return r.responses(ctx, db) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := r.properties(); err != nil {
		return err
	}
	// No SetActiveSheet: Summary, the first sheet, is already the active tab, and the call would
	// re-read every streamed sheet.
	return r.writeZip(w)
}

// writeZip streams the archive to w. excelize's WriteTo would first assemble the whole file in
// a bytes.Buffer (the size of the file, twice over as it grows); handing it a zip writer on w
// instead leaves that buffer empty. Deflate runs at its fastest level: compressing dominates
// the time of a large workbook, and the sheets' repetitive XML compresses well at any level.
func (r *report) writeZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	r.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	if _, err := r.f.WriteTo(io.Discard); err != nil {
		return fmt.Errorf("workbook: write: %w", err)
	}
	return nil
}

// Sheet names, fixed so that people and tests can rely on them.
const (
	sheetSummary       = "Summary"
	sheetImpact        = "Impact"
	sheetDelivery      = "Delivery"
	sheetGroups        = "Groups"
	sheetGroupDelivery = "Group delivery"
	sheetMethods       = "Methods"
	sheetDictionary    = "Data dictionary"
	sheetResponses     = "Responses"
)

// properties fills the document properties Excel shows under File › Info.
func (r *report) properties() error {
	title := fmt.Sprintf("%s: %s report", r.programme(), r.kind)
	return r.f.SetDocProps(&excelize.DocProperties{
		Title:       title,
		Subject:     "Impact of peer-support groups on burnout and morale",
		Creator:     "peerpulse",
		Description: fmt.Sprintf("Figures for fewer than %d people are not shown. Data version %s.", r.res.MinCell, r.meta.version),
		Keywords:    "peer support; burnout; morale; CBI; NHS Staff Survey",
		Category:    r.kind.String() + " report",
		Created:     r.res.GeneratedAt.Format(time.RFC3339),
		Modified:    r.res.GeneratedAt.Format(time.RFC3339),
		Language:    "en-GB",
	})
}

func (r *report) programme() string {
	if r.res.Programme != "" {
		return r.res.Programme
	}
	return "Peer support programme"
}
