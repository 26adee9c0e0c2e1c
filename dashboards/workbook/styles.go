package workbook

import (
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// styles are the cell formats the reports use, registered once per file.
type styles struct {
	title, subtitle, heading, header, note, text, suppressed        int
	score, change, effect, dec2, prop, count, money, date, dateTime int
	p                                                               [4]int // 3 significant digits by magnitude, see pStyle
}

const (
	fontName  = "Arial"
	nhsBlue   = "005EB8"
	lightGrey = "F0F4F5"
)

// newStyles registers the formats. Number formats follow the issue: one decimal for scores,
// three significant digits for p, per cent for proportions.
func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var firstErr error
	add := func(dst *int, st *excelize.Style) {
		if firstErr != nil {
			return
		}
		if st.Font == nil {
			st.Font = &excelize.Font{Family: fontName, Size: 10}
		}
		id, err := f.NewStyle(st)
		if err != nil {
			firstErr = fmt.Errorf("workbook: style: %w", err)
		}
		*dst = id
	}
	custom := func(code string) *string { return &code }
	numeric := func(code string) *excelize.Style {
		return &excelize.Style{CustomNumFmt: custom(code), Alignment: &excelize.Alignment{Horizontal: "right"}}
	}
	add(&s.title, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 16, Bold: true, Color: nhsBlue}})
	add(&s.subtitle, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 10, Color: "425563"}})
	add(&s.heading, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 12, Bold: true, Color: nhsBlue}})
	add(&s.header, &excelize.Style{
		Font:      &excelize.Font{Family: fontName, Size: 10, Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{nhsBlue}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		NumFmt:    49,
	})
	add(&s.note, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 9, Italic: true, Color: "425563"},
		Alignment: &excelize.Alignment{WrapText: false}, NumFmt: 49})
	// Text cells carry the Text number format (@) as well as being stored as strings, so that
	// editing one in Excel keeps it text rather than evaluating it.
	add(&s.text, &excelize.Style{NumFmt: 49})
	add(&s.suppressed, &excelize.Style{Font: &excelize.Font{Family: fontName, Size: 10, Italic: true, Color: "768692"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{lightGrey}}, NumFmt: 49})
	add(&s.score, numeric("0.0"))
	add(&s.change, numeric("+0.0;-0.0;0.0"))
	add(&s.effect, numeric("+0.00;-0.00;0.00"))
	add(&s.dec2, numeric("0.00"))
	add(&s.prop, numeric("0.0%"))
	add(&s.count, numeric("#,##0"))
	add(&s.money, numeric(`"£"#,##0.00`))
	add(&s.date, numeric("yyyy-mm-dd"))
	add(&s.dateTime, numeric("yyyy-mm-dd hh:mm"))
	for i, code := range []string{"0.000", "0.0000", "0.00000", "0.00E+00"} {
		add(&s.p[i], numeric(code))
	}
	return &s, firstErr
}

// pStyle picks the format that shows p to three significant digits: Excel number formats have
// no "significant digits", so the cell keeps the exact value and the format follows its size.
func (s *styles) pStyle(p float64) int {
	switch {
	case p >= 0.1 || p == 0:
		return s.p[0]
	case p >= 0.01:
		return s.p[1]
	case p >= 0.001:
		return s.p[2]
	default:
		return s.p[3]
	}
}

// finite guards against a NaN or infinity reaching a cell: Excel cannot store either.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
