package tabular

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzXLSX checks the .xlsx row reader the importer uses. Fuzzing a zip's bytes mostly breaks
// its checksums, so the fuzzer writes the parts that hold the rows instead, the first sheet's
// XML and the shared strings, into an otherwise valid workbook. For every input NewXLSX never
// panics, and every header and row it returns is sane, as FuzzCSV asks of the CSV reader:
// header cells non-empty, trimmed, valid UTF-8 and unique; rows numbered above 1 and
// increasing, never blank, at least as wide as the header, valid UTF-8; errors name a row.
//
// Seeds are in testdata/fuzz/FuzzXLSX, beside a workbook written by excelize. Run with
// go test -run '^$' -fuzz FuzzXLSX ./ingest/tabular/
func FuzzXLSX(f *testing.F) {
	template := templateWorkbook(f)
	f.Add(zipPart(f, template, "xl/worksheets/sheet1.xml"), zipPart(f, template, "xl/sharedStrings.xml"))
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		book := replaceParts(t, template, map[string][]byte{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared})
		tab, err := NewXLSX(bytes.NewReader(book))
		if err != nil {
			return
		}
		defer tab.Close()
		checkTable(t, tab)
	})
}

// templateWorkbook is a small responses workbook as a spreadsheet program would save it.
func templateWorkbook(tb testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"group_code", "participant_code", "timepoint", "cbi_p1"}, {"BAL-01", "ACD347", "pre", 3}, {"BAL-01", "ACD348", "post", 4.5}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func zipPart(tb testing.TB, book []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			r, err := zf.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	tb.Fatalf("no %s in the workbook", name)
	return nil
}

// replaceParts rewrites the workbook with the named parts replaced.
func replaceParts(tb testing.TB, book []byte, parts map[string][]byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			tb.Fatal(err)
		}
		if b, ok := parts[zf.Name]; ok {
			w.Write(b)
			continue
		}
		r, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
