package workbook

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// grid is a sheet read back with raw values (numbers unformatted).
type grid [][]string

func readSheet(t *testing.T, f *excelize.File, name string) grid {
	t.Helper()
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return rows
}

func (g grid) cell(r, c int) string {
	if r < len(g) && c < len(g[r]) {
		return g[r][c]
	}
	return ""
}

// table finds the header row that starts with the given names and returns its column index by
// name and the data rows below it, up to the first empty row.
func (g grid) table(t *testing.T, first ...string) (map[string]int, [][]string) {
	t.Helper()
	for i, row := range g {
		if len(row) < len(first) {
			continue
		}
		match := true
		for j, name := range first {
			if row[j] != name {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		idx := map[string]int{}
		for j, name := range row {
			idx[name] = j
		}
		var data [][]string
		for _, r := range g[i+1:] {
			if len(r) == 0 || strings.Join(r, "") == "" {
				break
			}
			data = append(data, r)
		}
		return idx, data
	}
	t.Fatalf("no table starting %q", first)
	return nil, nil
}

// number parses a numeric cell.
func number(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q is not a number", s)
	}
	return v
}

// same compares a cell with an expected value: nil expects an empty cell. Numbers are written
// with Go's shortest representation, so the cell holds the engine's float64; they are compared to
// 1e-12 relative because two runs of the engine can differ in the last bits (DuckDB sums in
// parallel, in no fixed order).
func same(t *testing.T, where, got string, want *float64) {
	t.Helper()
	if want == nil {
		if got != "" {
			t.Errorf("%s: got %q, want an empty cell", where, got)
		}
		return
	}
	if got == "" {
		t.Errorf("%s: empty, want %v", where, *want)
		return
	}
	if v := number(t, got); !near(v, *want) {
		t.Errorf("%s: got %v, want %v", where, v, *want)
	}
}

func fptr(v float64) *float64 { return &v }

func iptr(v *int) *float64 {
	if v == nil {
		return nil
	}
	f := float64(*v)
	return &f
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}
