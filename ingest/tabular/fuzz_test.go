package tabular

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV checks two things for every input:
//
//   - read as a CSV file, the input never makes the reader panic, and every
//     header cell and row it returns is sane: valid UTF-8, row numbers above
//     1 and increasing, at least as many cells as the header;
//   - read as a description of records (rows separated by 0x1E, cells by
//     0x1F), the records written out by encoding/csv's Writer under a
//     generated header are read back exactly, with their row numbers.
//
// Seeds are in testdata/fuzz/FuzzCSV. Run with
// go test -fuzz=FuzzCSV ./ingest/tabular/
func FuzzCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSane(t, data)
		checkRoundTrip(t, data)
	})
}

func checkSane(t *testing.T, data []byte) {
	tab, err := NewCSV(bytes.NewReader(data))
	if err != nil {
		return
	}
	defer tab.Close()
	checkTable(t, tab)
}

// checkTable reads a table the reader opened and fails on anything a reader must not return:
// header cells empty, untrimmed, invalid UTF-8 or repeated; rows numbered 1 or less or out of
// order, narrower than the header, blank or invalid UTF-8; errors that name no row. It stops
// after 100,000 rows, more than any fuzz input holds.
func checkTable(t *testing.T, tab Table) {
	t.Helper()
	h := tab.Header()
	if len(h) == 0 {
		t.Fatal("empty header without an error")
	}
	seen := map[string]bool{}
	for _, c := range h {
		if c == "" || c != strings.TrimSpace(c) || !utf8.ValidString(c) || seen[strings.ToLower(c)] {
			t.Fatalf("bad header cell %q in %q", c, h)
		}
		seen[strings.ToLower(c)] = true
	}
	last := 1
	for range 100000 {
		r, err := tab.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !strings.Contains(err.Error(), "row ") {
				t.Fatalf("error without a row number: %v", err)
			}
			return
		}
		if r.Number <= last {
			t.Fatalf("row number %d after %d", r.Number, last)
		}
		last = r.Number
		if len(r.Cells) < len(h) {
			t.Fatalf("row %d has %d cells, header %d", r.Number, len(r.Cells), len(h))
		}
		if blank(r.Cells) {
			t.Fatalf("blank row %d returned", r.Number)
		}
		for _, c := range r.Cells {
			if !utf8.ValidString(c) {
				t.Fatalf("row %d: invalid UTF-8 %q", r.Number, c)
			}
		}
	}
}

func checkRoundTrip(t *testing.T, data []byte) {
	s := strings.ToValidUTF8(string(data), "\uFFFD")
	var records [][]string
	for _, line := range strings.Split(s, "\x1e") {
		records = append(records, strings.Split(line, "\x1f"))
	}
	width := len(records[0])
	header := make([]string, width)
	for i := range header {
		header[i] = fmt.Sprintf("col%d", i+1)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	_ = w.WriteAll(records)

	var want []Row
	for i, rec := range records {
		if blank(rec) {
			continue
		}
		cells := make([]string, len(rec))
		for j, c := range rec {
			cells[j] = strings.ReplaceAll(c, "\r\n", "\n") // as encoding/csv reads quoted CRLF
		}
		want = append(want, Row{Number: i + 2, Cells: pad(cells, width)})
	}

	tab, err := NewCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("%v reading %q", err, buf.Bytes())
	}
	defer tab.Close()
	if !reflect.DeepEqual(tab.Header(), header) {
		t.Fatalf("header %q, want %q", tab.Header(), header)
	}
	got, err := readAll(tab)
	if err != nil {
		t.Fatalf("%v reading %q", err, buf.Bytes())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n%#v\nwant\n%#v\nfrom %q", got, want, buf.Bytes())
	}
}
