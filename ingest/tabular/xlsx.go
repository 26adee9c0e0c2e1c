package tabular

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxTable reads the first sheet of a workbook with excelize's streaming
// row iterator.
//
// Row numbers: Rows.Next is true once per row number, including numbers
// that the sheet XML skips (their Columns are empty), so the number of
// Next calls that returned true is the current row's spreadsheet number.
type xlsxTable struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	row    int
	err    error
}

// xlsxOptions makes cells arrive as stored: a date as its serial number
// ("46082.375"), a number as written, a formula cell as its cached value.
var xlsxOptions = excelize.Options{RawCellValue: true}

// NewXLSX reads the first sheet (in workbook order) of an .xlsx workbook
// from r; other sheets are ignored. Cell values are raw: a date cell comes
// back as its serial number (the importer converts it), a number as
// written in the file, a boolean as "1" or "0", text exactly as written
// (text that looks like a formula stays text), and a formula cell as its
// cached result, never the formula. excelize reads the whole (compressed)
// workbook from r into memory; large sheets are unpacked to temporary files
// and streamed. It reads the header at once.
func NewXLSX(r io.Reader) (Table, error) {
	f, err := excelize.OpenReader(r, xlsxOptions)
	if err != nil {
		return nil, xlsxOpenError(err)
	}
	return newXLSX(f)
}

func openXLSX(path string) (Table, error) {
	f, err := excelize.OpenFile(path, xlsxOptions)
	if err != nil {
		return nil, xlsxOpenError(err)
	}
	return newXLSX(f)
}

func xlsxOpenError(err error) error {
	return fmt.Errorf("not a readable .xlsx workbook: %w", err)
}

func newXLSX(f *excelize.File) (Table, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("sheet %q: %w", sheets[0], err)
	}
	t := &xlsxTable{f: f, rows: rows}
	cells, row, err := t.read()
	for err == nil && blank(cells) {
		cells, row, err = t.read()
	}
	if err == io.EOF {
		err = ErrEmpty
	}
	if err == nil {
		t.header, err = header(cells, row)
	}
	if err != nil {
		_ = t.Close()
		return nil, err
	}
	return t, nil
}

// read returns the cells of the next row and its number, or io.EOF.
func (t *xlsxTable) read() ([]string, int, error) {
	if !t.rows.Next() {
		if err := t.rows.Error(); err != nil {
			return nil, 0, &RowError{Row: t.row + 1, Err: err}
		}
		return nil, 0, io.EOF
	}
	t.row++
	cells, err := t.rows.Columns()
	if err != nil {
		return nil, 0, &RowError{Row: t.row, Err: err}
	}
	return cells, t.row, nil
}

// Header returns the trimmed header cells.
func (t *xlsxTable) Header() []string { return t.header }

// Next returns the next non-blank row, or io.EOF.
func (t *xlsxTable) Next() (Row, error) {
	if t.err != nil {
		return Row{}, t.err
	}
	for {
		cells, row, err := t.read()
		if err != nil {
			t.err = err
			return Row{}, err
		}
		if blank(cells) {
			continue
		}
		if err := checkUTF8(cells, row); err != nil {
			t.err = err
			return Row{}, err
		}
		if n := len(cells); n < len(t.header) || (n > len(t.header) && strings.TrimSpace(cells[n-1]) == "") {
			cells = pad(cells, len(t.header))
		}
		return Row{Number: row, Cells: cells}, nil
	}
}

// Close closes the sheet iterator and the workbook (removing excelize's
// temporary files).
func (t *xlsxTable) Close() error {
	if t.f == nil {
		return nil
	}
	if t.err == nil {
		t.err = errClosed
	}
	err := t.rows.Close()
	err = errors.Join(err, t.f.Close())
	t.f, t.rows = nil, nil
	return err
}
