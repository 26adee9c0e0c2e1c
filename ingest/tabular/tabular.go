// Package tabular reads the rows of an import file — CSV or the first sheet
// of an XLSX workbook — one at a time, for the importer.
//
// Both formats give the same view of a file:
//
//   - The header is the first row that is not blank. Its cells are trimmed;
//     empty cells at its end are ignored (a spreadsheet program writes them
//     to a CSV after a stray edit, and an XLSX reader never sees them); any
//     other empty cell, or a name that repeats an earlier one
//     (case-insensitively), is an error naming the column. A file with no
//     header is an error wrapping [ErrEmpty] ("the file is empty").
//   - Every following row comes back as a [Row] carrying its spreadsheet row
//     number: the number a spreadsheet program shows for it, so the header of
//     an ordinary file is row 1 and its first data row is row 2, as
//     FORMATS.md numbers them. In a CSV file a quoted cell with line breaks
//     is still one row, and an empty line is a (blank) row.
//   - A row whose cells are all empty after trimming (a blank row) is
//     skipped wherever it is — before the header, between data rows or at
//     the end — and the rows after it keep their true row numbers.
//   - Cells are returned as written, not trimmed: the importer trims. A row
//     shorter than the header is padded with "" to the header's length; a
//     row longer than the header keeps its extra cells up to the last
//     non-blank one, so len(Row.Cells) > len(Header()) tells the importer
//     that the row has a value in a column without a name.
//   - An error other than io.EOF from [Table.Next] is final: the file cannot
//     be read further and later calls return the same error. Errors about a
//     row are [*RowError] values.
package tabular

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Row is one data row: its spreadsheet row number (the header is row 1, the
// first data row is row 2, as FORMATS.md numbers them) and its cells by
// column index of the header.
//
// Cells holds at least len(Header()) cells (short rows are padded with "");
// cells beyond that are columns that have no header name, and then the last
// cell is not blank. Cells
// are as written in the file, untrimmed. The slice and its strings belong to
// the caller and are never reused by the Table.
type Row struct {
	// Number is the row's spreadsheet row number (1-based; the header of an
	// ordinary file is row 1).
	Number int
	// Cells are the row's values by column index of the header.
	Cells []string
}

// Table reads a file's header and then its rows one at a time, so a
// 10⁶-row file is never held in memory.
type Table interface {
	// Header returns the header's cells as written in the file, trimmed; the
	// importer matches them case-insensitively. They are non-empty and
	// unique ignoring case.
	Header() []string
	// Next returns the next non-blank data row, or io.EOF at the end. Any
	// other error is final and is returned again by later calls.
	Next() (Row, error)
	// Close releases the file. A Table from NewCSV does not close the reader
	// it was given.
	Close() error
}

// ErrEmpty is returned (possibly wrapped) when a file has no header row:
// it is empty or all its rows are blank.
var ErrEmpty = errors.New("the file is empty")

// ErrInvalidUTF8 is the Err of a [*RowError] for a cell that is not valid
// UTF-8 text.
var ErrInvalidUTF8 = errors.New("the text is not valid UTF-8 (save the file as \"CSV UTF-8\")")

// RowError is an error about one row of a file, and one of its cells when
// Column is not zero.
type RowError struct {
	// Row is the spreadsheet row number.
	Row int
	// Column is the 1-based column number, or 0 when the error is not about
	// a single cell.
	Column int
	// Err is the underlying error, e.g. ErrInvalidUTF8 or one of
	// encoding/csv's ErrBareQuote, ErrQuote.
	Err error
}

// Error describes the error as "row 7, column 3 (C): reason".
func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "row %d", e.Row)
	if e.Column > 0 {
		fmt.Fprintf(&b, ", column %d (%s)", e.Column, ColumnName(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(describe(e.Err))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// ColumnName returns the spreadsheet letters of a 1-based column number:
// 1 is "A", 27 is "AA". It returns "" for n < 1.
func ColumnName(n int) string {
	var buf [8]byte
	i := len(buf)
	for n > 0 && i > 0 {
		n--
		i--
		buf[i] = byte('A' + n%26)
		n /= 26
	}
	return string(buf[i:])
}

// Open opens the file at path by its extension, .csv or .xlsx (in any
// case). Any other extension is an error naming the file and the accepted
// types. Errors are prefixed with the path. The caller must Close the Table.
func Open(path string) (Table, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		t, err := openCSV(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return t, nil
	case ".xlsx":
		t, err := openXLSX(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return t, nil
	default:
		return nil, fmt.Errorf("%s: unsupported file type %q: accepted types are .csv (UTF-8) and .xlsx", path, filepath.Ext(path))
	}
}

// header validates and trims a header row's cells. row is its spreadsheet
// row number, for errors.
func header(cells []string, row int) ([]string, error) {
	// Trailing empty header cells are dropped: an XLSX reader never sees them,
	// and spreadsheet programs often write them to a CSV after a stray edit.
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	if n == 0 {
		return nil, ErrEmpty
	}
	h := make([]string, n)
	seen := make(map[string]int, n)
	for i, c := range cells[:n] {
		if !utf8.ValidString(c) {
			return nil, &RowError{Row: row, Column: i + 1, Err: ErrInvalidUTF8}
		}
		c = strings.TrimSpace(c)
		if c == "" {
			return nil, &RowError{Row: row, Column: i + 1, Err: errEmptyName}
		}
		key := strings.ToLower(c)
		if j, dup := seen[key]; dup {
			return nil, &RowError{Row: row, Column: i + 1, Err: &dupError{name: c, first: j}}
		}
		seen[key] = i + 1
		h[i] = strings.Clone(c)
	}
	return h, nil
}

var errEmptyName = errors.New("the header has an empty column name")

// dupError is a header name that repeats an earlier one.
type dupError struct {
	name  string
	first int
}

func (e *dupError) Error() string {
	return fmt.Sprintf("the header name %q repeats column %d (%s) (names are case-insensitive)",
		e.name, e.first, ColumnName(e.first))
}

// blank reports whether every cell is empty after trimming.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkUTF8 returns a RowError for the first cell that is not valid UTF-8.
func checkUTF8(cells []string, row int) error {
	for i, c := range cells {
		// Most cells are short and ASCII: a byte loop is cheaper than a
		// call per cell.
		for j := 0; j < len(c); j++ {
			if c[j] >= utf8.RuneSelf {
				if !utf8.ValidString(c[j:]) {
					return &RowError{Row: row, Column: i + 1, Err: ErrInvalidUTF8}
				}
				break
			}
		}
	}
	return nil
}

// pad returns a new slice holding cells, padded with "" to width. Cells
// beyond width that are blank and have no non-blank cell after them are
// dropped, so a result longer than width always ends with a value.
func pad(cells []string, width int) []string {
	n := len(cells)
	for n > width && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	out := make([]string, max(n, width))
	copy(out, cells[:n])
	return out
}
