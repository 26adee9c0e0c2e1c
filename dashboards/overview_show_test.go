package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/analysis"
)

// valueAttr finds every number a dashboard page shows with its exact value and its source.
var valueAttr = regexp.MustCompile(`data-value="([^"]*)"(?: data-ref="([^"]*)")?`)

// engineValues flattens the engine's output for one set of options into ref → exact value, the
// vocabulary of the pages' data-ref attributes, built here from the JSON the engine writes so the
// page code and the test share nothing but the names.
func engineValues(t *testing.T, res *analysis.Results, sp *analysis.Spread) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	add := func(prefix string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k, x := range m {
			if f, ok := x.(float64); ok {
				out[prefix+k] = f
			}
		}
	}
	for _, r := range res.Results {
		add("row/"+r.Scope+"/"+r.Key+"/"+r.Measure+"/", r)
	}
	for _, p := range res.Pooled {
		add("pooled/"+p.Measure+"/", p)
	}
	for _, b := range res.Baseline {
		add("baseline/"+b.Measure+"/", b)
	}
	add("totals/", res.Totals)
	running := 0
	for _, g := range res.Groups {
		if g.SessionsHeld > 0 {
			running++
		}
	}
	out["count:groups/sessions_held>0"] = float64(running)
	for _, s := range sp.Measures {
		if s.NPaired != nil {
			out["spread/"+s.Measure+"/n_paired"] = float64(*s.NPaired)
			add("spread/"+s.Measure+"/pre/", s.Pre)
			add("spread/"+s.Measure+"/later/", s.Later)
		}
	}
	for _, d := range sp.Dose {
		add("dose/"+d.Measure+"/"+d.Band+"/", d)
	}
	return out
}

// resolve evaluates a data-ref: a name, a sum "a+b", or a ratio of sums "a+b÷c+d".
func resolve(vals map[string]float64, ref string) (float64, bool) {
	sum := func(expr string) (float64, bool) {
		var s float64
		for _, part := range strings.Split(expr, "+") {
			v, ok := vals[part]
			if !ok {
				return 0, false
			}
			s += v
		}
		return s, true
	}
	num, den, isRatio := strings.Cut(ref, "÷")
	n, ok := sum(num)
	if !ok || !isRatio {
		return n, ok
	}
	d, ok := sum(den)
	if !ok || d == 0 {
		return 0, false
	}
	return n / d, true
}

// checkNumbers holds every number on a page to the engine: each data-value has a data-ref, and
// the ref's value in the engine's output is exactly the value shown.
func checkNumbers(t *testing.T, body string, vals map[string]float64) int {
	t.Helper()
	n := 0
	for _, m := range valueAttr.FindAllStringSubmatch(body, -1) {
		value, ref := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		if ref == "" {
			t.Errorf("number %s has no source", value)
			continue
		}
		values, refs := strings.Split(value, "|"), strings.Split(ref, "|")
		if len(values) != len(refs) {
			t.Errorf("%q for %q", value, ref)
			continue
		}
		for i := range refs {
			want, ok := resolve(vals, refs[i])
			if !ok {
				t.Errorf("%s: not in the engine's output", refs[i])
				continue
			}
			got, err := strconv.ParseFloat(values[i], 64)
			// Equal to the engine's output up to the order of DuckDB's parallel sums, which may
			// change the last bits between two runs (as in analysis' golden test).
			if err != nil || math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: page shows %s, engine says %v", refs[i], values[i], want)
			}
			n++
		}
	}
	return n
}

// TestOverviewNumbersAreTheEngines: for several filter sets and both roles that see the
// overview, every number in the page's tables and tiles equals the engine's output for the same
// filters at the viewer's threshold, and nothing withheld at that threshold appears anywhere.
func TestOverviewNumbersAreTheEngines(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	cases := []struct {
		role    string
		minCell int
		query   string
		filter  analysis.Filter
		comp    string
		words   string
	}{
		{"evaluator", 5, "", analysis.Filter{}, "pre-post", "Showing all groups and participants; comparing before and after the programme."},
		{"evaluator", 5, "?modality=balint", analysis.Filter{Modality: "balint"}, "pre-post", "modality balint"},
		{"evaluator", 5, "?region=London&comparison=pre-followup", analysis.Filter{Region: "London"}, "pre-followup", "region London; comparing before the programme and at follow-up"},
		{"evaluator", 5, "?profession=GP", analysis.Filter{Profession: "GP"}, "pre-post", "profession GP"},
		{"funder", 10, "", analysis.Filter{}, "pre-post", "Showing all groups"},
		{"funder", 10, "?modality=reflective_practice", analysis.Filter{Modality: "reflective_practice"}, "pre-post", "modality reflective practice"},
		{"admin", 5, "?region=Midlands", analysis.Filter{Region: "Midlands"}, "pre-post", "region Midlands"},
	}
	for _, tc := range cases {
		t.Run(tc.role+tc.query, func(t *testing.T) {
			r := f.as(t, tc.role).get("/dashboards" + tc.query)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			o := analysis.Options{Comparison: tc.comp, MinCell: tc.minCell, Filter: tc.filter}
			res, err := analysis.Run(ctx, f.db, f.set, o)
			if err != nil {
				t.Fatal(err)
			}
			if n := checkNumbers(t, r.body, engineValues(t, res, res.Spread)); n < 40 {
				t.Errorf("only %d numbers checked", n)
			}
			if !strings.Contains(html.UnescapeString(r.body), tc.words) {
				t.Errorf("the page does not say which filters apply (%q)", tc.words)
			}
			if !strings.Contains(r.body, fmt.Sprintf("fewer than %d responses", tc.minCell)) && tc.role == "funder" {
				t.Error("nothing is suppressed at the funder threshold: the test data no longer exercises suppression")
			}
			if hasNote := strings.Contains(r.body, `id="counts-note"`); hasNote != (tc.filter.Profession != "") {
				t.Errorf("note that counts ignore the profession filter: %v", hasNote)
			}
			checkNothingWithheld(t, r.body, res, f, o)
			groupLinks := strings.Contains(r.body, `href="/dashboards/groups/`)
			if groupLinks != (tc.role != "funder") {
				t.Errorf("%s: links to group pages: %v", tc.role, groupLinks)
			}
			if tc.role == "funder" && strings.Contains(r.body, f.firstGroup) {
				t.Errorf("a funder's overview names group %s", f.firstGroup)
			}
			checkDownloadLink(t, r.body, "/reports/funder.xlsx", tc.query)
		})
	}
}

// checkDownloadLink finds the link to a workbook and checks it carries the page's filters.
func checkDownloadLink(t *testing.T, body, path, query string) {
	t.Helper()
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("no link to %s", path)
		return
	}
	got, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if got.Query().Encode() != want.Encode() {
		t.Errorf("%s carries %q, want %q", path, got.RawQuery, want.Encode())
	}
}

// checkNothingWithheld looks for the exact values of every cell shown at the floor but withheld
// at the viewer's threshold: none may appear anywhere in the page.
func checkNothingWithheld(t *testing.T, body string, shown *analysis.Results, f *dashFixture, o analysis.Options) {
	t.Helper()
	o.MinCell = analysis.MinCellFloor
	all, err := analysis.Run(context.Background(), f.db, f.set, o)
	if err != nil {
		t.Fatal(err)
	}
	visible := map[string]bool{}
	for _, r := range shown.Results {
		visible[r.Scope+"/"+r.Key+"/"+r.Measure] = !r.Suppressed
	}
	// Numbers in data-value are each checked against a shown cell by checkNumbers; a withheld
	// value may only coincide with one of those, never appear elsewhere (a chart, a sentence).
	onPage := map[string]bool{}
	for _, m := range valueAttr.FindAllStringSubmatch(body, -1) {
		for _, v := range strings.Split(html.UnescapeString(m[1]), "|") {
			onPage[v] = true
		}
	}
	withheld := 0
	for _, r := range all.Results {
		if r.Suppressed || visible[r.Scope+"/"+r.Key+"/"+r.Measure] {
			continue
		}
		withheld++
		// Statistics with many significant digits: a coincidence with another number on the
		// page is practically impossible, unlike means of scores (multiples of simple fractions).
		for _, v := range []*float64{r.MeanChange, r.SDChange, r.CILow, r.CIHigh, r.DZ, r.GAv, r.T, r.PT} {
			if v == nil || *v == float64(int64(*v)) {
				continue
			}
			if s := strconv.FormatFloat(*v, 'g', -1, 64); !onPage[s] && strings.Contains(body, s) {
				t.Errorf("withheld %s/%s/%s: value %s appears in the page", r.Scope, r.Key, r.Measure, s)
			}
		}
	}
	if withheld == 0 && o.Filter == (analysis.Filter{}) {
		t.Error("no cell is withheld between the floor and the threshold: the check proves nothing")
	}
}

func TestOverviewRefusesUnknownFilters(t *testing.T) {
	f := newDashFixture(t)
	b := f.as(t, "evaluator")
	for _, q := range []string{"?modality=yoga", "?region=Atlantis", "?profession=astronaut", "?comparison=post-pre"} {
		if r := b.get("/dashboards" + q); r.status != 400 {
			t.Errorf("%s: status %d, want 400", q, r.status)
		}
	}
	for role, want := range map[string]int{"facilitator": 403, "funder": 200, "admin": 200, "evaluator": 200} {
		if r := f.as(t, role).get("/dashboards"); r.status != want {
			t.Errorf("%s: status %d, want %d", role, r.status, want)
		}
	}
	if r := f.browser(t).get("/dashboards"); r.status != 303 || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("anonymous: %d %s", r.status, r.location)
	}
}

// TestOverviewSanitisesLabels gives a region a name that would end the chart's script and run
// code if go-echarts received it as is.
func TestOverviewSanitisesLabels(t *testing.T) {
	f := newDashFixture(t)
	evil := `</script><script>alert(1)</script>__f__alert(2)__f__`
	if _, err := f.db.SQL().Exec(`UPDATE groups SET region = ? WHERE region = 'London'`, evil); err != nil {
		t.Fatal(err)
	}
	r := f.as(t, "evaluator").get("/dashboards")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	// Inside scripts the name may only appear sanitised; a broken-out script would also leave a
	// figure's script cut short.
	scripts := regexp.MustCompile(`(?s)<script[^>]*>(.*?)</script>`).FindAllStringSubmatch(r.body, -1)
	charts := 0
	for _, s := range scripts {
		if strings.Contains(s[1], "__f__") || strings.Contains(s[1], "<") {
			t.Errorf("a script holds markup or a function marker: %.200s", s[1])
		}
		if strings.HasPrefix(s[1], "document.addEventListener") {
			charts++
			if !strings.HasSuffix(s[1], "});") {
				t.Errorf("a chart script is cut short: %.200s", s[1])
			}
		}
	}
	if charts < 8 {
		t.Errorf("%d chart scripts", charts)
	}
	if !strings.Contains(r.body, `"/scriptscriptalert(1)/script_f_alert(2)_f_"`) {
		t.Errorf("the sanitised label is not in the chart")
	}
	if !strings.Contains(r.body, "&lt;/script&gt;&lt;script&gt;alert(1)") {
		t.Error("the table does not show the region's name, escaped")
	}
}
