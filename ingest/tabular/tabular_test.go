package tabular

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readAll reads every row of t until io.EOF or an error.
func readAll(t Table) ([]Row, error) {
	var rows []Row
	for {
		r, err := t.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
}

type tableCase struct {
	name   string
	header []string
	rows   []Row // rows returned (before the error, if any)
	err    string
	is     error // errors.Is target, if any
	errRow int   // RowError.Row, if any
	errCol int   // RowError.Column, if any
}

// check compares what Open/New returned and what Next then returned with c.
func (c tableCase) check(t *testing.T, tab Table, openErr error) {
	t.Helper()
	var rows []Row
	err := openErr
	if err == nil {
		defer tab.Close()
		if got := tab.Header(); !reflect.DeepEqual(got, c.header) {
			t.Errorf("header = %q, want %q", got, c.header)
		}
		rows, err = readAll(tab)
		if err != nil {
			// Errors are final.
			if _, again := tab.Next(); again != err {
				t.Errorf("second Next after error returned %v, want %v", again, err)
			}
		}
	}
	if !reflect.DeepEqual(rows, c.rows) {
		t.Errorf("rows =\n%#v\nwant\n%#v", rows, c.rows)
	}
	if c.err == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", c.err)
	}
	if !strings.Contains(err.Error(), c.err) {
		t.Errorf("error %q does not contain %q", err, c.err)
	}
	if c.is != nil && !errors.Is(err, c.is) {
		t.Errorf("error %v is not %v", err, c.is)
	}
	if c.errRow != 0 {
		var re *RowError
		if !errors.As(err, &re) {
			t.Fatalf("error %v is not a *RowError", err)
		}
		if re.Row != c.errRow || re.Column != c.errCol {
			t.Errorf("RowError at row %d column %d, want row %d column %d", re.Row, re.Column, c.errRow, c.errCol)
		}
	}
}

func TestCSVFiles(t *testing.T) {
	cases := []tableCase{
		{name: "bom.csv",
			header: []string{"group_code", "participant_code", "timepoint"},
			rows:   []Row{{2, []string{"MC-01", "P1", "pre"}}}},
		{name: "crlf.csv",
			header: []string{"group_code", "participant_code", "timepoint"},
			rows: []Row{
				{2, []string{"MC-01", "P1", "pre"}},
				{3, []string{"MC-01", "P2", "post"}},
			}},
		{name: "quoted.csv",
			header: []string{"group_code", "name", "topic"},
			rows: []Row{
				{2, []string{"MC-01", "Balint, Leeds", "line one\nline two\nline three"}},
				{3, []string{"MC-02", `He said "hi"`, "x"}},
				{4, []string{"MC-03", "plain", "multi\n\nline"}},
				{5, []string{"MC-04", "after", "ok"}},
			}},
		{name: "ragged.csv",
			header: []string{"a", "b", "c"},
			rows: []Row{
				{2, []string{"1", "", ""}},
				{3, []string{"1", "2", ""}},
				{4, []string{"1", "2", "3"}},
				{5, []string{"1", "2", "3", "4", "5"}},
			}},
		{name: "blank.csv", // blank rows in the middle and at the end
			header: []string{"a", "b"},
			rows: []Row{
				{2, []string{"1", "2"}},
				{6, []string{"3", "4"}},
			}},
		{name: "leading_blank.csv", // the header is the first non-blank row
			header: []string{"a", "b"},
			rows:   []Row{{4, []string{"1", "2"}}}},
		{name: "header_trailing_empty.csv", // trailing empty header cells are dropped
			header: []string{"a", "b", "c"},
			rows:   []Row{{2, []string{"1", "2", "3"}}}},
		{name: "formula_text.csv",
			header: []string{"a", "b"},
			rows: []Row{
				{2, []string{`=HYPERLINK("http://x")`, "+1"}},
				{3, []string{"@SUM(A1)", "-2"}},
			}},
		{name: "header_empty.csv",
			err: "row 1, column 2 (B): the header has an empty column name", errRow: 1, errCol: 2},
		{name: "header_dup.csv",
			err: `row 1, column 3 (C): the header name "GROUP_CODE" repeats column 1 (A)`, errRow: 1, errCol: 3},
		{name: "empty.csv", err: "the file is empty", is: ErrEmpty},
		{name: "only_blank.csv", err: "the file is empty", is: ErrEmpty},
		{name: "bare_quote.csv",
			rows: []Row{
				{2, []string{"1", "2"}},
				{3, []string{"x\ny", "3"}},
			},
			header: []string{"a", "b"},
			err:    "row 4: a \" appears inside a field", is: csv.ErrBareQuote, errRow: 4},
		{name: "open_quote.csv",
			header: []string{"a", "b"},
			rows:   []Row{{2, []string{"1", "2"}}},
			err:    "row 3: a quoted field is not closed", is: csv.ErrQuote, errRow: 3},
		{name: "latin1.csv",
			header: []string{"a", "b"},
			rows:   []Row{{2, []string{"1", "2"}}},
			err:    "row 3, column 1 (A): the text is not valid UTF-8", is: ErrInvalidUTF8, errRow: 3, errCol: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", c.name)
			tab, err := Open(path)
			if err != nil && !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("Open error %q does not name the file", err)
			}
			c.check(t, tab, err)
		})
	}
}

func TestCSVInline(t *testing.T) {
	cases := []struct {
		in string
		tableCase
	}{
		{"h1 , H2\n", tableCase{header: []string{"h1", "H2"}}},
		{"a\n x \n", tableCase{header: []string{"a"}, rows: []Row{{2, []string{" x "}}}}}, // cells untrimmed
		{"a,b\n1,2,,  \n", tableCase{header: []string{"a", "b"}, rows: []Row{{2, []string{"1", "2"}}}}},
		{"a,b\n1,2,, x\n", tableCase{header: []string{"a", "b"}, rows: []Row{{2, []string{"1", "2", "", " x"}}}}},
		{"a,b\n1,2", tableCase{header: []string{"a", "b"}, rows: []Row{{2, []string{"1", "2"}}}}}, // no final newline
		{"\uFEFF", tableCase{err: "the file is empty", is: ErrEmpty}},
		{"a\xff\n", tableCase{err: "row 1, column 1 (A): the text is not valid UTF-8", errRow: 1, errCol: 1}},
		{"a,\"b\nc\"\n\n\n\"x\ny\",\"1\r\n2\"\n\nz\n", tableCase{
			header: []string{"a", "b\nc"},
			rows:   []Row{{4, []string{"x\ny", "1\n2"}}, {6, []string{"z", ""}}},
		}},
		{"a\nx\n\"y\"z\n", tableCase{header: []string{"a"}, rows: []Row{{2, []string{"x"}}},
			err: `row 3: a quoted field is not closed, or text follows its closing "`, errRow: 3}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.in, "\n", `\n`), func(t *testing.T) {
			tab, err := NewCSV(strings.NewReader(c.in))
			c.check(t, tab, err)
		})
	}
}

// TestCSVRowsNotShared checks that a row's cells survive reading the next
// row: the csv.Reader reuses its record slice.
func TestCSVRowsNotShared(t *testing.T) {
	tab, err := NewCSV(strings.NewReader("a,b\n1,2\n3,4\n"))
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := tab.Next()
	r2, _ := tab.Next()
	if !reflect.DeepEqual(r1.Cells, []string{"1", "2"}) || !reflect.DeepEqual(r2.Cells, []string{"3", "4"}) {
		t.Fatalf("rows %q %q", r1.Cells, r2.Cells)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Next(); err == nil || err == io.EOF {
		t.Fatalf("Next after Close returned %v", err)
	}
}

func TestOpenByExtension(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "crlf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	upper := filepath.Join(dir, "RESPONSES.CSV")
	if err := os.WriteFile(upper, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := Open(upper)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(tab)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}

	xlsx := filepath.Join(dir, "Book.XLSX")
	writeWorkbook(t, xlsx, [][]any{{"a"}, {"1"}}, nil)
	tab, err = Open(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := readAll(tab); err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{filepath.Join("testdata", "notes.txt"), "responses", "data.xls"} {
		_, err := Open(name)
		if err == nil {
			t.Fatalf("Open(%q) succeeded", name)
		}
		for _, want := range []string{name, ".csv", ".xlsx"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open(%q) error %q does not mention %q", name, err, want)
			}
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
	// An .xlsx that is not a workbook.
	bad := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad); err == nil || !strings.Contains(err.Error(), "bad.xlsx") {
		t.Errorf("Open of a bad workbook: %v", err)
	}
}

func TestColumnName(t *testing.T) {
	for n, want := range map[int]string{0: "", 1: "A", 2: "B", 26: "Z", 27: "AA", 38: "AL", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA", 16384: "XFD"} {
		if got := ColumnName(n); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", n, got, want)
		}
	}
}
