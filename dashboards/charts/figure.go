// Package charts builds the dashboards' go-echarts charts and the data tables and one-sentence
// summaries that stand beside every one of them. It sanitises every label that comes from data
// before go-echarts sees it, because go-echarts writes labels into a script unescaped, and it
// gives pages the chart's option as script text to initialise under the page's CSP nonce.
package charts

import (
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strings"
)

// Figure is one chart as a page shows it: a heading, a one-sentence summary, the chart itself
// and its data table. The table holds the same numbers as the chart, so people who cannot see
// the chart, and tests, read them there.
type Figure struct {
	ID      string      // the chart element's id, unique on the page
	Title   string      // the heading, shown as text (escaped by html/template)
	Summary string      // one sentence saying what the chart shows
	Option  template.JS // the ECharts option; empty when there is nothing to draw
	Table   Table
	// Tall asks for a taller chart: a forest plot of many groups needs room per row. Sizes are
	// classes in app.css because the CSP refuses style attributes.
	Tall bool
}

// Table is a figure's data table.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
}

// Cell is one table cell: the text shown and, for a number, its exact value in data-value so
// that a reader (or a test) need not parse rounded text, and in data-ref where the number comes
// from in the analysis engine's output (e.g. "row/overall/all/cbi_work/mean_change"; a ratio is
// written "a+b÷c"; two values, such as a confidence interval, are separated by "|").
type Cell struct {
	Text  string
	Value string
	Ref   string
	Href  string // a link, for a row heading
}

// Text is a cell holding words only.
func Text(s string) Cell { return Cell{Text: s} }

// renderer is what every go-echarts chart is.
type renderer interface {
	Validate()
	JSONNotEscaped() template.HTML
}

// funcMarker is how go-echarts marks a FuncOpts function inside the option's JSON: the quoted
// string "__f__function…__f__" must become the bare function. go-echarts' own RenderSnippet
// loses this in its Option field (it HTML-escapes the quotes first), so we do the replacement
// ourselves, the same way go-echarts' full-page renderer does.
var funcMarker = regexp.MustCompile(`(__f__")|("__f__)|(__f__)`)

// errUnsafe is returned when a chart's option would close the script it is written into: a
// label that escaped sanitising. The page fails rather than shipping live markup.
var errUnsafe = errors.New("charts: chart option holds markup that could end its script")

// option returns the chart's ECharts option as script text. go-echarts has already turned
// FuncOpts markers into live functions; only our own code puts functions in options.
func option(c renderer) (template.JS, error) {
	c.Validate()
	raw := string(c.JSONNotEscaped())
	// Labels are sanitised, so a marker in the JSON can only be one of our functions; check
	// the JSON before the markers go, then the script after.
	if strings.Count(raw, "__f__")%2 != 0 {
		return "", errUnsafe
	}
	opt := strings.TrimSpace(funcMarker.ReplaceAllString(raw, ""))
	lower := strings.ToLower(opt)
	if strings.Contains(lower, "</") || strings.Contains(lower, "<!--") || strings.Contains(lower, "<script") {
		return "", errUnsafe
	}
	// The option is built from sanitised labels and numbers, and checked just above.
	return template.JS(opt), nil
}

// newFigure renders c into a Figure with the given words and table.
func newFigure(id, title, summary string, c renderer, t Table) (Figure, error) {
	opt, err := option(c)
	if err != nil {
		return Figure{}, fmt.Errorf("chart %s: %w", id, err)
	}
	return Figure{ID: id, Title: title, Summary: summary, Option: opt, Table: t}, nil
}
