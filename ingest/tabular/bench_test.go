package tabular

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeResponsesCSV writes a responses-like CSV of n data rows and 38
// columns (7 descriptive, 31 item answers) and returns its size.
func writeResponsesCSV(tb testing.TB, path string, n int) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("response_id,group_code,participant_code,timepoint,submitted_at,profession,career_stage")
	for i := 1; i <= 31; i++ {
		fmt.Fprintf(w, ",item_%02d", i)
	}
	w.WriteString("\r\n")
	timepoints := []string{"pre", "post", "followup"}
	professions := []string{"GP", "GP trainee", `"pharmacy, community"`, "multi-professional"}
	labels := []string{"1", "2", "3", "4", "5", "Sometimes", "", "Never/almost never"}
	var line []byte
	for r := 0; r < n; r++ {
		line = line[:0]
		line = append(line, 'R')
		line = strconv.AppendInt(line, int64(r), 10)
		line = append(line, ",MC-"...)
		line = strconv.AppendInt(line, int64(r%97), 10)
		line = append(line, ",P"...)
		line = strconv.AppendInt(line, int64(r/3), 10)
		line = append(line, ',')
		line = append(line, timepoints[r%3]...)
		line = append(line, ",2026-03-01T09:00:00Z,"...)
		line = append(line, professions[r%4]...)
		line = append(line, ",early career"...)
		for i := 0; i < 31; i++ {
			line = append(line, ',')
			line = append(line, labels[(r+i*7)%8]...)
		}
		line = append(line, '\r', '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

// BenchmarkCSV reads a generated 1,000,000-row × 38-column CSV through Open.
// Benchmarks run only with -bench:
//
//	go test -run='^$' -bench=CSV -benchtime=3x -benchmem ./ingest/tabular/
func BenchmarkCSV(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "responses.csv")
	size := writeResponsesCSV(b, path, rows)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		tab, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			r, err := tab.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Cells) != 38 {
				b.Fatalf("row %d has %d cells", r.Number, len(r.Cells))
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows", n)
		}
		tab.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

// BenchmarkXLSX reads a generated 100,000-row × 38-column workbook (written
// with excelize's StreamWriter, shared strings off, as most writers do for
// numbers) through Open.
func BenchmarkXLSX(b *testing.B) {
	const rows = 100_000
	path := filepath.Join(b.TempDir(), "responses.xlsx")
	writeResponsesXLSX(b, path, rows)
	b.ReportAllocs()
	for b.Loop() {
		tab, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := tab.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows", n)
		}
		tab.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

func writeResponsesXLSX(tb testing.TB, path string, n int) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	head := []any{"response_id", "group_code", "participant_code", "timepoint", "submitted_at", "profession", "career_stage"}
	for i := 1; i <= 31; i++ {
		head = append(head, fmt.Sprintf("item_%02d", i))
	}
	if err := sw.SetRow("A1", head); err != nil {
		tb.Fatal(err)
	}
	row := make([]any, 38)
	for r := 0; r < n; r++ {
		row[0] = "R" + strconv.Itoa(r)
		row[1] = "MC-" + strconv.Itoa(r%97)
		row[2] = "P" + strconv.Itoa(r/3)
		row[3] = []string{"pre", "post", "followup"}[r%3]
		row[4] = 46082.375 + float64(r%300)
		row[5] = "GP"
		row[6] = "early career"
		for i := 0; i < 31; i++ {
			row[7+i] = (r+i)%5 + 1
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}
