package tabular

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
)

// csvTable reads a CSV file with encoding/csv.
//
// Row numbers: encoding/csv silently skips empty lines, and a quoted field
// may span several lines, so neither records nor lines are spreadsheet
// rows. A spreadsheet shows one row per record and one per empty line, so
// the number of a record is the previous record's number plus one plus the
// empty lines between them: the lines after the line on which the previous
// record ended and before the one on which this record starts (FieldPos).
type csvTable struct {
	r       *csv.Reader
	closer  io.Closer
	header  []string
	row     int // spreadsheet row number of the last record read
	endLine int // line on which the last record read ended
	err     error
}

// NewCSV reads a CSV file from r: UTF-8 (a leading BOM is dropped), comma
// separated, RFC 4180 quoting, CRLF or LF line ends, rows of any length. It
// reads the header at once, so an empty file, an invalid header or a
// malformed first row is reported here. Close does not close r.
func NewCSV(r io.Reader) (Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &csvTable{r: cr}
	rec, row, err := t.read()
	for err == nil && blank(rec) {
		rec, row, err = t.read()
	}
	if err == io.EOF {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, err
	}
	if t.header, err = header(rec, row); err != nil {
		return nil, err
	}
	return t, nil
}

func openCSV(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t, err := NewCSV(f)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	t.(*csvTable).closer = f
	return t, nil
}

// read returns the next record and its row number. The record is the
// csv.Reader's reused slice; its strings are fresh (encoding/csv allocates
// one new string per record and slices it), so they may be kept.
func (t *csvTable) read() ([]string, int, error) {
	rec, err := t.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &RowError{Row: t.row + 1 + max(pe.StartLine-t.endLine-1, 0), Err: pe.Err}
		}
		return nil, 0, err
	}
	start, _ := t.r.FieldPos(0)
	last, _ := t.r.FieldPos(len(rec) - 1)
	t.row += 1 + max(start-t.endLine-1, 0)
	// Every '\n' in a (quoted) last field is a line break in the input;
	// "\r\n" inside quotes arrives as "\n".
	t.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return rec, t.row, nil
}

// Header returns the trimmed header cells.
func (t *csvTable) Header() []string { return t.header }

// Next returns the next non-blank row, or io.EOF.
func (t *csvTable) Next() (Row, error) {
	if t.err != nil {
		return Row{}, t.err
	}
	for {
		rec, row, err := t.read()
		if err != nil {
			t.err = err
			return Row{}, err
		}
		if blank(rec) {
			continue
		}
		if err := checkUTF8(rec, row); err != nil {
			t.err = err
			return Row{}, err
		}
		return Row{Number: row, Cells: pad(rec, len(t.header))}, nil
	}
}

// Close closes the file opened by Open; it does nothing for NewCSV.
func (t *csvTable) Close() error {
	if t.err == nil {
		t.err = errClosed
	}
	if c := t.closer; c != nil {
		t.closer = nil
		return c.Close()
	}
	return nil
}

var errClosed = errors.New("tabular: read after Close")

// describe gives a reader-friendly reason for an underlying error.
func describe(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a " appears inside a field that does not start with one (put the whole field in double quotes and double each " inside it)`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field is not closed, or text follows its closing "`
	case err == nil:
		return "unknown error"
	}
	return err.Error()
}
