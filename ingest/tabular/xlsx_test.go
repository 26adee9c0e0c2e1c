package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeWorkbook saves a workbook whose first sheet holds first and, when
// second is not nil, whose second (active) sheet holds second. A nil row is
// left out of the sheet XML altogether.
func writeWorkbook(t testing.TB, path string, first, second [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Responses"); err != nil {
		t.Fatal(err)
	}
	fill := func(sheet string, rows [][]any) {
		for i, row := range rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill("Responses", first)
	if second != nil {
		idx, err := f.NewSheet("Other")
		if err != nil {
			t.Fatal(err)
		}
		fill("Other", second)
		f.SetActiveSheet(idx)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// rawWorkbook returns a minimal .xlsx whose only sheet has the given
// <sheetData> content, for row and cell layouts excelize does not write.
func rawWorkbook(t testing.TB, sheetData string) []byte {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships ` + ns + `><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships ` + ns + `><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// is returns an inline-string cell.
func is(ref, text string) string {
	return fmt.Sprintf(`<c r=%q t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, text)
}

func TestXLSX(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, first, second [][]any) []byte {
		path := filepath.Join(dir, name)
		writeWorkbook(t, path, first, second)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		data []byte
		tableCase
	}{
		{file("excelize.xlsx", [][]any{
			{" submitted_at ", "group_code", "score", "note"},
			{time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "MC-01", 3.5, `=HYPERLINK("x")`},
			nil, // row 3 is not in the sheet XML
			{time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), "MC-02", 12, "+44 7700 900000"},
			{"", "  "}, // blank row in the middle
			{nil, " MC-03 ", nil, "@x"},
			{"   "}, // trailing blank rows
			{nil, ""},
		}, [][]any{{"other", "sheet"}, {"not", "read"}}), tableCase{
			name:   "excelize: dates, numbers, formula-looking text, gaps, second sheet",
			header: []string{"submitted_at", "group_code", "score", "note"},
			rows: []Row{
				{2, []string{"46082.375", "MC-01", "3.5", `=HYPERLINK("x")`}},
				{4, []string{"46083", "MC-02", "12", "+44 7700 900000"}},
				{6, []string{"", " MC-03 ", "", "@x"}},
			},
		}},
		{rawWorkbook(t, `<row r="1">`+is("A1", "id")+is("B1", "calc")+is("C1", "text")+is("D1", "flag")+`</row>`+
			`<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="str"><f>UPPER("x")</f><v>X</v></c><c r="D2" t="b"><v>1</v></c></row>`+
			`<row r="5"><c r="A5"><v>5</v></c>`+is("C5", "=SUM(A1:A4)")+`</row>`+
			`<row><c t="inlineStr"><is><t>six</t></is></c></row>`+ // no r attributes: row 6
			`<row r="7"/>`+
			`<row><c><v>8</v></c><c/><c/><c/><c t="inlineStr"><is><t>extra</t></is></c><c/></row>`+
			`<row r="9">`+is("B9", " ")+`</row>`), tableCase{
			name:   "raw: cached formula values, skipped rows, rows without r, extra cell",
			header: []string{"id", "calc", "text", "flag"},
			rows: []Row{
				{2, []string{"1", "2", "X", "1"}},
				{5, []string{"5", "", "=SUM(A1:A4)", ""}},
				{6, []string{"six", "", "", ""}},
				{8, []string{"8", "", "", "", "extra"}},
			},
		}},
		{rawWorkbook(t, `<row r="3">`+is("A3", "a")+is("C3", "c")+`</row><row r="4">`+is("A4", "1")+`</row>`), tableCase{
			name: "raw: header with an empty cell after blank rows",
			err:  "row 3, column 2 (B): the header has an empty column name", errRow: 3, errCol: 2,
		}},
		{rawWorkbook(t, `<row r="2">`+is("B2", "Code")+is("C2", "x")+is("D2", "code")+`</row>`), tableCase{
			name: "raw: header not starting in column A",
			err:  `row 2, column 1 (A): the header has an empty column name`, errRow: 2, errCol: 1,
		}},
		{rawWorkbook(t, `<row r="2">`+is("A2", "Code")+is("B2", "x")+is("C2", "code")+`</row><row r="3">`+is("A3", "1")+`</row>`), tableCase{
			name: "raw: duplicate header",
			err:  `row 2, column 3 (C): the header name "code" repeats column 1 (A)`, errRow: 2, errCol: 3,
		}},
		{rawWorkbook(t, `<row r="2">`+is("A2", "h")+`</row><row r="3">`+is("A3", "1")+`</row>`), tableCase{
			name:   "raw: header on row 2",
			header: []string{"h"},
			rows:   []Row{{3, []string{"1"}}},
		}},
		{rawWorkbook(t, ``), tableCase{name: "raw: no rows", err: "the file is empty", is: ErrEmpty}},
		{rawWorkbook(t, `<row r="1"/><row r="2">`+is("A2", " ")+`</row>`), tableCase{name: "raw: blank rows only", err: "the file is empty", is: ErrEmpty}},
		{[]byte("a,b\n1,2\n"), tableCase{name: "not a workbook", err: "not a readable .xlsx workbook"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := NewXLSX(bytes.NewReader(c.data))
			c.check(t, tab, err)
			if err == nil {
				if err := tab.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if err := tab.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
			}
		})
	}
}

// TestXLSXRowsNotShared checks that cells survive reading later rows.
func TestXLSXRowsNotShared(t *testing.T) {
	tab, err := NewXLSX(bytes.NewReader(rawWorkbook(t,
		`<row r="1">`+is("A1", "a")+is("B1", "b")+`</row><row r="2">`+is("A2", "x")+`</row><row r="3">`+is("A3", "y")+is("B3", "z")+`</row>`)))
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	r1, _ := tab.Next()
	r2, _ := tab.Next()
	if got := fmt.Sprint(r1, r2); got != "{2 [x ]} {3 [y z]}" {
		t.Fatalf("rows %s", got)
	}
	if _, err := tab.Next(); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Fatalf("want io.EOF, got %v", err)
	}
}
