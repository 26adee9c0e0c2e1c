package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Palette is Okabe and Ito's colour-blind-safe palette (Color Universal Design), darkest
// first so that the first two series also differ in lightness.
var Palette = opts.Colors{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"}

// missing is how ECharts is told a value does not exist (suppressed or not estimable).
const missing = "-"

// common are the options every chart shares: a stable id, no animation (screenshots and
// reduced motion), the palette, a tooltip, a legend and the toolbox's "save as image".
func common(id, name string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: "/assets/vendor/"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(Palette),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Left: "0"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "8", Top: "0", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Name: Label(name), Title: "Save as image"}}}),
	}
}

// grid keeps axis labels inside the chart; bottom leaves room for an axis name.
func grid(bottom string) charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Left: "8", Right: "32", Top: "48", Bottom: bottom, ContainLabel: opts.Bool(true)})
}

// Series is one named series of values, one per category; nil is a gap. Color, when set,
// overrides the palette: for series whose meaning has a colour (worse in vermilion).
type Series struct {
	Name   string
	Values []*float64
	Color  string
}

// BarSpec describes a bar chart: categories along one axis, one bar per series in each.
type BarSpec struct {
	ID, Title, Summary string
	Categories         []string
	Series             []Series
	ValueName          string // the value axis' name, e.g. "% high burnout"
	Horizontal         bool   // categories down the side: long labels, funnels
	Stacked            bool   // series stacked in one bar per category (shares of a whole)
	Min, Max           any    // value axis bounds; nil lets ECharts choose
	Table              Table
}

// Bars builds a bar chart.
func Bars(s BarSpec) (Figure, error) {
	c := charts.NewBar()
	c.SetGlobalOptions(common(s.ID, s.Title)...)
	c.SetGlobalOptions(grid("32"))
	cats := Labels(s.Categories)
	name := Label(s.ValueName)
	if s.Horizontal {
		c.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: name, NameLocation: "middle", NameGap: 28, Min: s.Min, Max: s.Max}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}))
	} else {
		c.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: name, NameLocation: "middle", NameGap: 40, Min: s.Min, Max: s.Max}),
			charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}))
	}
	c.SetXAxis(cats)
	for _, ser := range s.Series {
		data := make([]opts.BarData, len(ser.Values))
		for i, v := range ser.Values {
			data[i] = opts.BarData{Value: valueOr(v)}
		}
		var so []charts.SeriesOpts
		if ser.Color != "" {
			so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: ser.Color}))
		}
		if s.Stacked {
			so = append(so, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
		}
		c.AddSeries(Label(ser.Name), data, so...)
	}
	if s.Horizontal {
		c.XYReversal()
	}
	return newFigure(s.ID, s.Title, s.Summary, c, s.Table)
}

func valueOr(v *float64) any {
	if v == nil {
		return missing
	}
	return *v
}

// BoxSeries is one series of a box plot: five numbers (10th percentile, quartiles, 90th
// percentile) per category; nil is a gap.
type BoxSeries struct {
	Name string
	Data []*[5]float64
}

// BoxSpec describes a box plot.
type BoxSpec struct {
	ID, Title, Summary string
	Categories         []string
	Series             []BoxSeries
	ValueName          string
	Min, Max           any
	Table              Table
}

// Box builds a box plot.
func Box(s BoxSpec) (Figure, error) {
	c := charts.NewBoxPlot()
	c.SetGlobalOptions(common(s.ID, s.Title)...)
	c.SetGlobalOptions(grid("8"))
	c.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: Label(s.ValueName), NameLocation: "middle", NameGap: 40, Min: s.Min, Max: s.Max}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}))
	c.SetXAxis(Labels(s.Categories))
	for _, ser := range s.Series {
		data := make([]opts.BoxPlotData, len(ser.Data))
		for i, v := range ser.Data {
			if v == nil {
				data[i] = opts.BoxPlotData{Value: []any{}}
				continue
			}
			data[i] = opts.BoxPlotData{Value: v[:]}
		}
		c.AddSeries(Label(ser.Name), data)
	}
	return newFigure(s.ID, s.Title, s.Summary, c, s.Table)
}
