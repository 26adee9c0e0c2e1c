package workbook

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheet streams one worksheet: rows are written in order and the finish (panes, filter, print
// setup, charts, conditional formats) is applied before Flush, which is the only point at which
// excelize keeps them on a streamed sheet.
type sheet struct {
	f    *excelize.File
	st   *styles
	sw   *excelize.StreamWriter
	name string
	row  int // the last row written, 1-based
	cols int // the widest row written
}

// newSheet adds (or, for the first, renames) a worksheet and turns on fit-to-page, which
// printSetup's one-page-wide layout needs and which must precede the stream writer. It then sets
// the column widths and freezes the top freeze rows (zero: none), which a stream writer accepts
// only before the first row.
func newSheet(f *excelize.File, st *styles, name string, widths []float64, freeze int) (*sheet, error) {
	if f.SheetCount == 1 && f.GetSheetName(0) == "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("workbook: add sheet %s: %w", name, err)
	}
	// The stream writes the sheet properties when it starts, so fit-to-page goes in first.
	fit := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("workbook: sheet %s: %w", name, err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if freeze > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: freeze, TopLeftCell: "A" + strconv.Itoa(freeze+1), ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	return &sheet{f: f, st: st, sw: sw, name: name}, nil
}

// add writes the next row; nil cells are left empty.
func (s *sheet) add(cells ...any) error { return s.addRow(cells) }

// addRow writes the next row with the row options given, if any.
func (s *sheet) addRow(cells []any, opts ...excelize.RowOpts) error {
	s.row++
	s.cols = max(s.cols, len(cells))
	if err := s.sw.SetRow("A"+strconv.Itoa(s.row), cells, opts...); err != nil {
		return fmt.Errorf("workbook: %s row %d: %w", s.name, s.row, err)
	}
	return nil
}

// skip leaves n empty rows.
func (s *sheet) skip(n int) { s.row += n }

// title writes the sheet's heading lines.
func (s *sheet) title(title string, lines ...string) error {
	if err := s.add(excelize.Cell{StyleID: s.st.title, Value: title}); err != nil {
		return err
	}
	for _, l := range lines {
		if err := s.add(excelize.Cell{StyleID: s.st.subtitle, Value: l}); err != nil {
			return err
		}
	}
	return nil
}

// table describes a header row with data rows below it, for the finish.
type table struct {
	headerRow, lastRow, cols int
	noFilter                 bool // a list of figures, not rows to filter
}

// header writes a header row, tall enough for two wrapped lines, and returns the table it
// starts.
func (s *sheet) header(names ...string) (table, error) {
	cells := make([]any, len(names))
	for i, v := range names {
		cells[i] = excelize.Cell{StyleID: s.st.header, Value: v}
	}
	if err := s.addRow(cells, excelize.RowOpts{Height: 27}); err != nil {
		return table{}, err
	}
	return table{headerRow: s.row, lastRow: s.row, cols: len(names)}, nil
}

// ref is the A1 range of the table.
func (t table) ref() string {
	last, _ := excelize.CoordinatesToCellName(t.cols, max(t.lastRow, t.headerRow))
	return "A" + strconv.Itoa(t.headerRow) + ":" + last
}

// finish adds the main table's autofilter, makes the sheet print landscape, one page wide,
// with the rows down to the table's header repeated on every page, then flushes.
func (s *sheet) finish(main *table) error {
	if main != nil {
		if main.lastRow > main.headerRow && !main.noFilter {
			if err := s.f.AutoFilter(s.name, main.ref(), nil); err != nil {
				return fmt.Errorf("workbook: %s filter: %w", s.name, err)
			}
		}
		if err := s.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: s.name,
			RefersTo: fmt.Sprintf("'%s'!$1:$%d", s.name, main.headerRow)}); err != nil {
			return fmt.Errorf("workbook: %s print titles: %w", s.name, err)
		}
	}
	if err := s.printSetup(); err != nil {
		return err
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("workbook: %s: %w", s.name, err)
	}
	return nil
}

// printSetup prints the sheet landscape on A4, fitted to one page wide and as many long.
func (s *sheet) printSetup() error {
	landscape, a4, one, tall := "landscape", 9, 1, 0
	return s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &one, FitToHeight: &tall})
}
