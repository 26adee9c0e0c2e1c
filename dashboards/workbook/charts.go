package workbook

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
)

// summaryCharts adds the two native charts to the Summary sheet, to the right of the tables:
// prevalence before and after for the measures with a cut-off, and the headline change by
// modality with its 95% confidence intervals as error bars.
func (r *report) summaryCharts(prev, byModality span) error {
	no := false
	if prev.ok() {
		rows := func(col string) string { return fmt.Sprintf("Summary!$%s$%d:$%s$%d", col, prev.first, col, prev.last) }
		err := r.f.AddChart(sheetSummary, "N5", &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{
				{Name: fmt.Sprintf("Summary!$K$%d", prev.header), Categories: rows("A"), Values: rows("K"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"AEB7BD"}}},
				{Name: fmt.Sprintf("Summary!$L$%d", prev.header), Categories: rows("A"), Values: rows("L"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{nhsBlue}}},
			},
			Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Share with high burnout (score ≥ 50), before and after"}}},
			Legend:     excelize.ChartLegend{Position: "bottom"},
			VaryColors: &no,
			XAxis:      excelize.ChartAxis{Font: axisFont},
			YAxis:      excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}, MajorGridLines: true, Font: axisFont},
			Dimension:  excelize.ChartDimension{Width: 560, Height: 300},
			PlotArea:   excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		})
		if err != nil {
			return fmt.Errorf("workbook: prevalence chart: %w", err)
		}
	}
	if !byModality.ok() {
		return nil
	}
	rows := func(col string) string {
		return fmt.Sprintf("Summary!$%s$%d:$%s$%d", col, byModality.first, col, byModality.last)
	}
	m := r.measure(analysis.HeadlineMeasure)
	// The axis spans the intervals, not only the bars: viewers scale to the values alone and
	// would clip the error bars.
	lo, hi := r.modalityRange()
	err := r.f.AddChart(sheetSummary, "N23", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("Summary!$C$%d", byModality.header), Categories: rows("A"), Values: rows("C"),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{nhsBlue}}}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Change in " + m.title + " by modality, with 95% CI (" + m.betterWhen() + " is better)"}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &no,
		XAxis:      excelize.ChartAxis{TickLabelPosition: excelize.ChartTickLabelLow, Font: axisFont},
		YAxis: excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "+0;-0;0"}, Font: axisFont,
			Minimum: &lo, Maximum: &hi, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "points"}}}},
		Dimension: excelize.ChartDimension{Width: 560, Height: 320},
	})
	if err != nil {
		return fmt.Errorf("workbook: modality chart: %w", err)
	}
	return r.addErrorBars(rows("F"), rows("G"))
}

var axisFont = excelize.Font{Color: "425563", Size: 9}

// modalityRange is the span of the shown modalities' intervals (and zero), widened to whole
// steps of 2 points.
func (r *report) modalityRange() (lo, hi float64) {
	for _, row := range r.res.Results {
		if row.Scope != "modality" || row.Measure != analysis.HeadlineMeasure || row.Suppressed || row.MeanChange == nil {
			continue
		}
		lo, hi = min(lo, *row.MeanChange), max(hi, *row.MeanChange)
		if row.CILow != nil && row.CIHigh != nil {
			lo, hi = min(lo, *row.CILow), max(hi, *row.CIHigh)
		}
	}
	return 2 * math.Floor(lo/2), 2 * math.Ceil(hi/2)
}

// addErrorBars gives the series of the chart just added custom error bars read from the plus
// and minus ranges. excelize v2.11 has no error-bar option, so the chart part it generated is
// amended in place: <errBars> goes where the chart schema (CT_BarSer) puts it, before <cat>.
func (r *report) addErrorBars(plus, minus string) error {
	part := "xl/charts/chart" + strconv.Itoa(r.chartCount()) + ".xml"
	v, ok := r.f.Pkg.Load(part)
	if !ok {
		return fmt.Errorf("workbook: error bars: no chart part %s", part)
	}
	xml, _ := v.([]byte)
	at := bytes.Index(xml, []byte("<cat>"))
	if at < 0 || bytes.Count(xml, []byte("<ser>")) != 1 {
		return fmt.Errorf("workbook: error bars: unexpected chart XML in %s", part)
	}
	bars := `<errBars><errBarType val="both"></errBarType><errValType val="cust"></errValType><noEndCap val="0"></noEndCap>` +
		`<plus><numRef><f>` + plus + `</f></numRef></plus><minus><numRef><f>` + minus + `</f></numRef></minus>` +
		`<spPr><a:ln w="15875"><a:solidFill><a:srgbClr val="212B32"></a:srgbClr></a:solidFill></a:ln></spPr></errBars>`
	out := make([]byte, 0, len(xml)+len(bars))
	out = append(append(append(out, xml[:at]...), bars...), xml[at:]...)
	r.f.Pkg.Store(part, out)
	return nil
}

// chartCount is how many chart parts the file holds.
func (r *report) chartCount() int {
	n := 0
	r.f.Pkg.Range(func(k, _ any) bool {
		if name, _ := k.(string); len(name) > len("xl/charts/chart") && name[:len("xl/charts/chart")] == "xl/charts/chart" {
			n++
		}
		return true
	})
	return n
}
