package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ForestRow is one line of a forest plot: an estimate with its 95% confidence interval. A row
// whose estimate is nil keeps its line (labelled, empty), so suppressed groups can stand as
// unlabelled rows.
type ForestRow struct {
	Label          string
	Est, Low, High *float64
	Pooled         bool // drawn as a diamond in the second colour
}

// ForestSpec describes a forest plot, rows top to bottom.
type ForestSpec struct {
	ID, Title, Summary string
	Rows               []ForestRow
	ValueName          string
	Table              Table
}

// tallRows is the most rows a forest plot fits in the normal chart height.
const tallRows = 14

// whiskers draws each row's interval as a horizontal line with end caps. go-echarts strips
// newlines from FuncOpts, so the function uses no line comments (STACK-NOTES.md).
const whiskers = `function (params, api) {
	var y = api.value(2);
	var lo = api.coord([api.value(0), y]);
	var hi = api.coord([api.value(1), y]);
	var h = api.size([0, 1])[1] * 0.18;
	var s = {stroke: api.visual('color'), lineWidth: 2, fill: null};
	return {type: 'group', children: [
		{type: 'line', shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: s},
		{type: 'line', shape: {x1: lo[0], y1: lo[1] - h, x2: lo[0], y2: lo[1] + h}, style: s},
		{type: 'line', shape: {x1: hi[0], y1: hi[1] - h, x2: hi[0], y2: hi[1] + h}, style: s}]};
}`

// Forest builds a forest plot: a scatter of estimates on a category axis, overlapped with a
// custom series drawing the intervals, and a reference line at no change.
func Forest(s ForestSpec) (Figure, error) {
	labels := make([]string, len(s.Rows))
	var est, pooled []opts.ScatterData
	var ci, pooledCI []opts.CustomData
	for i, r := range s.Rows {
		labels[i] = Label(r.Label)
		if r.Est == nil {
			continue
		}
		point := opts.ScatterData{Value: []any{*r.Est, i}}
		if r.Pooled {
			pooled = append(pooled, point)
		} else {
			est = append(est, point)
		}
		if r.Low != nil && r.High != nil {
			d := opts.CustomData{Value: []any{*r.Low, *r.High, i}}
			if r.Pooled {
				pooledCI = append(pooledCI, d)
			} else {
				ci = append(ci, d)
			}
		}
	}
	c := charts.NewScatter()
	c.SetGlobalOptions(common(s.ID, s.Title)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: Label(s.ValueName), NameLocation: "middle", NameGap: 28, Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: labels, Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		grid("40"))
	c.AddSeries("Estimate", est, charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "rect", SymbolSize: 10}),
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "no change", XAxis: 0}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, Label: &opts.Label{Show: opts.Bool(false)}}))
	cust := charts.NewCustom()
	enc := charts.WithEncodeOpts(opts.Encode{X: []int{0, 1}, Y: 2})
	cust.AddSeries("95% CI", ci, charts.WithCustomChartOpts(opts.CustomChart{RenderItem: opts.FuncOpts(whiskers)}), enc,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: Palette[0]}))
	overlaps := []charts.Overlaper{cust}
	if len(pooled) > 0 {
		p := charts.NewScatter()
		p.AddSeries("Pooled estimate", pooled, charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "diamond", SymbolSize: 18}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: Palette[5]}))
		pc := charts.NewCustom()
		pc.AddSeries("Pooled 95% CI", pooledCI, charts.WithCustomChartOpts(opts.CustomChart{RenderItem: opts.FuncOpts(whiskers)}), enc,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: Palette[5]}))
		overlaps = append(overlaps, p, pc)
	}
	c.Overlap(overlaps...)
	f, err := newFigure(s.ID, s.Title, s.Summary, c, s.Table)
	f.Tall = len(s.Rows) > tallRows
	return f, err
}
