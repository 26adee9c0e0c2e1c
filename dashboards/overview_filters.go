package dashboards

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// filters are the dashboards' query parameters: every view is a URL that can be bookmarked and
// shared, and the same parameters drive the Excel downloads.
type filters struct {
	Modality, Region, Profession, Comparison string
}

// option is one choice of a filter's select.
type option struct {
	Value, Text string
	Selected    bool
}

// filterForm is what the page's filter form offers.
type filterForm struct {
	filters
	Modalities, Regions, Professions, Comparisons []option
}

// comparisonWords names the comparisons for people.
var comparisonWords = map[string]string{"pre-post": "before and after the programme", "pre-followup": "before the programme and at follow-up"}

// parseFilters reads and checks the query parameters. Unknown values are refused (400) rather
// than silently ignored: a shared link that quietly showed everything would mislead.
func (h *handler) parseFilters(c *fiber.Ctx) (filters, []string, error) {
	f := filters{Modality: strings.Clone(c.Query("modality")), Region: strings.Clone(c.Query("region")),
		Profession: strings.Clone(c.Query("profession")), Comparison: strings.Clone(c.Query("comparison", "pre-post"))}
	regions, err := h.regions()
	if err != nil {
		return f, nil, err
	}
	var errs []web.FieldError
	if f.Modality != "" && !slices.Contains(ingest.Modalities, f.Modality) {
		errs = append(errs, web.FieldError{Field: "modality", Message: "Choose a modality from the list"})
	}
	if f.Region != "" && !slices.Contains(regions, f.Region) {
		errs = append(errs, web.FieldError{Field: "region", Message: "Choose a region from the list"})
	}
	if f.Profession != "" && !slices.Contains(ingest.Professions, f.Profession) {
		errs = append(errs, web.FieldError{Field: "profession", Message: "Choose a profession from the list"})
	}
	if _, ok := analysis.Comparisons[f.Comparison]; !ok {
		errs = append(errs, web.FieldError{Field: "comparison", Message: "Choose pre-post or pre-followup"})
	}
	if len(errs) > 0 {
		return f, nil, web.NewProblem(fiber.StatusBadRequest, "The filters in this link are not ones the dashboard knows.", errs...)
	}
	return f, regions, nil
}

// regions lists the regions groups are in, for the filter's choices.
func (h *handler) regions() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	rows, err := h.DB.SQL().QueryContext(ctx, `SELECT DISTINCT region FROM groups WHERE region IS NOT NULL ORDER BY region`)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, fmt.Errorf("list regions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// analysisFilter is the engine's view of the filters.
func (f filters) analysisFilter() analysis.Filter {
	return analysis.Filter{Modality: f.Modality, Region: f.Region, Profession: f.Profession}
}

// query is the filters as a query string ("" when all are defaults), for links that keep them.
func (f filters) query() string {
	v := url.Values{}
	for _, p := range [][2]string{{"modality", f.Modality}, {"region", f.Region}, {"profession", f.Profession}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	if f.Comparison != "pre-post" {
		v.Set("comparison", f.Comparison)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Describe says in words which filters apply.
func (f filters) Describe() string {
	var parts []string
	if f.Modality != "" {
		parts = append(parts, "modality "+modalityWords(f.Modality))
	}
	if f.Region != "" {
		parts = append(parts, "region "+f.Region)
	}
	if f.Profession != "" {
		parts = append(parts, "profession "+f.Profession+" (as given at baseline)")
	}
	scope := "all groups and participants"
	if len(parts) > 0 {
		scope = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("Showing %s; comparing %s.", scope, comparisonWords[f.Comparison])
}

// modalityWords turns a modality code into words: "action_learning_set" → "action learning set".
func modalityWords(m string) string { return strings.ReplaceAll(m, "_", " ") }

func (f filters) form(regions []string) filterForm {
	opts := func(values []string, selected string, words func(string) string) []option {
		out := []option{{Value: "", Text: "All", Selected: selected == ""}}
		for _, v := range values {
			out = append(out, option{Value: v, Text: words(v), Selected: v == selected})
		}
		return out
	}
	same := func(s string) string { return s }
	ff := filterForm{filters: f, Modalities: opts(ingest.Modalities, f.Modality, modalityWords),
		Regions: opts(regions, f.Region, same), Professions: opts(ingest.Professions, f.Profession, same)}
	for _, c := range []string{"pre-post", "pre-followup"} {
		ff.Comparisons = append(ff.Comparisons, option{Value: c, Text: "Comparing " + comparisonWords[c], Selected: c == f.Comparison})
	}
	return ff
}

// filterFormHTML is the filter form: a GET form, so applying filters changes the URL.
var filterFormHTML = template.Must(template.New("filters").Parse(`<form method="get" action="" class="app-filters" id="filters">
  <fieldset class="nhsuk-fieldset">
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Filter the dashboard</legend>
    <div class="app-filters__row">
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="filter-modality">Modality</label>
        <select class="nhsuk-select" id="filter-modality" name="modality">{{range .Modalities}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Text}}</option>{{end}}</select>
      </div>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="filter-region">Region</label>
        <select class="nhsuk-select" id="filter-region" name="region">{{range .Regions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Text}}</option>{{end}}</select>
      </div>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="filter-profession">Profession</label>
        <select class="nhsuk-select" id="filter-profession" name="profession">{{range .Professions}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Text}}</option>{{end}}</select>
      </div>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="filter-comparison">Comparison</label>
        <select class="nhsuk-select" id="filter-comparison" name="comparison">{{range .Comparisons}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Text}}</option>{{end}}</select>
      </div>
    </div>
    <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">Apply filters</button>
    <a class="app-filters__clear" href="?">Clear filters</a>
  </fieldset>
</form>`))

// HTML renders the filter form; it is shared by the overview and the data-quality page.
func (ff filterForm) HTML() (template.HTML, error) {
	var buf bytes.Buffer
	if err := filterFormHTML.Execute(&buf, ff); err != nil {
		return "", err
	}
	// Built by html/template just above.
	return template.HTML(buf.String()), nil
}
