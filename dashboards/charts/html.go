package charts

import (
	"bytes"
	"html/template"
)

// figureHTML is how a figure appears: heading, summary, the chart's element, the data table
// behind a toggle, and the script that draws the chart once the deferred ECharts library has
// loaded. The element is sized by the app-chart class: the CSP refuses style attributes. For the
// same reason tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips
// write markup with style attributes, which the CSP strips. go-echarts has no option for it.
var figureHTML = template.Must(template.New("figure").Parse(`<section class="app-figure" id="figure-{{.F.ID}}" aria-labelledby="heading-{{.F.ID}}">
<h3 id="heading-{{.F.ID}}">{{.F.Title}}</h3>
<p class="app-figure__summary" id="summary-{{.F.ID}}" data-summary>{{.F.Summary}}</p>
{{- if .F.Option}}
<div class="app-chart{{if .F.Tall}} app-chart--tall{{end}}" id="{{.F.ID}}" role="img" aria-labelledby="heading-{{.F.ID}}" aria-describedby="summary-{{.F.ID}}" data-chart></div>
{{- end}}
<details class="nhsuk-details app-figure__data"{{if not .F.Option}} open{{end}}>
<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Data table<span class="nhsuk-u-visually-hidden">: {{.F.Title}}</span></span></summary>
<div class="nhsuk-details__text app-table-scroll" tabindex="0" role="region" aria-label="Data table: {{.F.Title}}">
<table class="nhsuk-table" data-table="{{.F.ID}}">
<caption class="nhsuk-table__caption nhsuk-table__caption--s">{{.F.Table.Caption}}</caption>
<thead class="nhsuk-table__head"><tr>{{range .F.Table.Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody class="nhsuk-table__body">
{{- range .F.Table.Rows}}
<tr class="nhsuk-table__row">{{range $i, $c := .}}{{if eq $i 0}}<th scope="row" class="nhsuk-table__cell">{{else}}<td class="nhsuk-table__cell"{{with $c.Value}} data-value="{{.}}"{{end}}{{with $c.Ref}} data-ref="{{.}}"{{end}}>{{end}}{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}{{if eq $i 0}}</th>{{else}}</td>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
</details>
{{- if .F.Option}}
<script nonce="{{.Nonce}}">document.addEventListener("DOMContentLoaded", function () {
  var chart = echarts.init(document.getElementById("{{.F.ID}}"), null, {renderer: "canvas"});
  var option = {{.F.Option}};
  option.tooltip = Object.assign({}, option.tooltip, {renderMode: "richText"});
  chart.setOption(option);
  window.addEventListener("resize", function () { chart.resize(); });
});</script>
{{- end}}
</section>`))

// HTML renders the figure for a page whose CSP nonce is nonce. Everything from data is escaped
// by html/template; the option is the checked script text of option().
func (f Figure) HTML(nonce string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := figureHTML.Execute(&buf, struct {
		F     Figure
		Nonce string
	}{f, nonce}); err != nil {
		return "", err
	}
	// Built by html/template just above.
	return template.HTML(buf.String()), nil
}
