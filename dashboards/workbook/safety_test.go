package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/analysis"
)

// withheldValues are the numbers behind rows that the workbook's threshold suppresses, taken
// from the engine at the floor: none of them may appear in any cell. Values that a shown row
// also has (a coincidence) and whole numbers (too common to be evidence) are left out.
func withheldValues(t *testing.T, evaluatorKind bool, o Options) ([]float64, int) {
	t.Helper()
	at := analyse(t, evaluatorKind, o)
	floor := o
	floor.MinCell = analysis.MinCellFloor
	below := analyse(t, evaluatorKind, floor)
	suppressed := map[string]bool{}
	var shown []float64
	for _, r := range at.Results {
		if r.Suppressed {
			suppressed[r.Scope+"|"+r.Key+"|"+r.Measure] = true
		} else {
			shown = append(shown, rowValues(r)...)
		}
	}
	isShown := func(v float64) bool {
		return slices.ContainsFunc(shown, func(s float64) bool { return near(s, v) })
	}
	var out []float64
	rowsWithNumbers := 0
	for _, r := range below.Results {
		if !suppressed[r.Scope+"|"+r.Key+"|"+r.Measure] || r.Suppressed {
			continue
		}
		rowsWithNumbers++
		for _, v := range rowValues(r) {
			if !simpleFraction(v) && !isShown(v) {
				out = append(out, v)
			}
		}
	}
	return out, rowsWithNumbers
}

// simpleFraction reports whether v is a whole number or a fraction with a small denominator,
// values that turn up by coincidence (a dz of exactly 0.5, a change of 5/6).
func simpleFraction(v float64) bool {
	for q := 1.0; q <= 64; q++ {
		if near(v*q, math.Round(v*q)) {
			return true
		}
	}
	return false
}

func rowValues(r analysis.Row) []float64 {
	var out []float64
	// Means, proportions and exact p values of small samples are simple fractions that recur by
	// coincidence elsewhere (1/7, 0.625); the scan uses the statistics that pass through a
	// square root and so are distinctive to their row.
	for _, p := range []*float64{r.SDChange, r.CILow, r.CIHigh, r.T, r.PT, r.DZ, r.GAv} {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// TestNoSuppressedValueAnywhere scans every cell of every sheet for any number of a withheld
// row, and checks every "fewer than" cell names the workbook's threshold and nothing else.
func TestNoSuppressedValueAnywhere(t *testing.T) {
	for _, tc := range append(optionCases, struct {
		name      string
		evaluator bool
		o         Options
	}{"evaluator with responses", true, Options{Responses: true}}) {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := build(t, tc.evaluator, tc.o)
			withheld, rows := withheldValues(t, tc.evaluator, tc.o)
			if rows == 0 || len(withheld) == 0 {
				t.Fatalf("the fixture withholds nothing under %s: the scan would prove nothing", tc.name)
			}
			minCell := tc.o.MinCell
			if minCell == 0 {
				minCell = map[bool]int{false: DefaultFunderMinCell, true: DefaultEvaluatorMinCell}[tc.evaluator]
			}
			fewer := regexp.MustCompile(`^fewer than (\d+)$`)
			cells := 0
			for _, sheet := range f.GetSheetList() {
				for r, row := range readSheet(t, f, sheet) {
					for c, v := range row {
						cells++
						if m := fewer.FindStringSubmatch(v); m != nil && m[1] != strconv.Itoa(minCell) {
							t.Errorf("%s R%dC%d reads %q, threshold is %d", sheet, r+1, c+1, v, minCell)
						}
						x, err := strconv.ParseFloat(v, 64)
						if err != nil {
							continue
						}
						for _, w := range withheld {
							if near(x, w) {
								t.Fatalf("%s R%dC%d holds %v, a number of a withheld row", sheet, r+1, c+1, x)
							}
						}
					}
				}
			}
			t.Logf("%d cells scanned against %d withheld values from %d rows", cells, len(withheld), rows)
		})
	}
}

// zipParts reads every part of the workbook.
func zipParts(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// TestNoFormulasAndTextStaysText checks that no cell anywhere is a formula (we write none) and
// that names from the data that look like formulas are stored as inline text.
func TestNoFormulasAndTextStaysText(t *testing.T) {
	f, raw := build(t, true, Options{Responses: true})
	parts := zipParts(t, raw)
	formula := regexp.MustCompile(`<f[ >]`)
	sheets := 0
	for name, body := range parts {
		if !strings.HasPrefix(name, "xl/worksheets/sheet") {
			continue
		}
		sheets++
		if loc := formula.FindStringIndex(body); loc != nil {
			t.Errorf("%s has a formula: %.120s", name, body[loc[0]:])
		}
	}
	if sheets != 8 {
		t.Fatalf("%d worksheet parts, want 8", sheets)
	}
	names := []string{injection, "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"}
	found := map[string]int{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if !slices.Contains(names, v) {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				typ, _ := f.GetCellType(sheet, ref)
				fx, _ := f.GetCellFormula(sheet, ref)
				if typ != excelize.CellTypeInlineString || fx != "" {
					t.Errorf("%s!%s %q: type %v formula %q, want inline text", sheet, ref, v, typ, fx)
				}
				found[sheet+" "+v]++
			}
		}
	}
	for _, want := range []string{"Groups " + injection, "Group delivery " + injection, "Impact " + injection,
		"Responses " + injection, "Group delivery -2+3", "Groups +cmd|' /C calc'!A0", "Groups @SUM(1+1)*cmd|' /C calc'!A0"} {
		if found[want] == 0 {
			t.Errorf("%q not found as text", want)
		}
	}
}

// TestChartsOnSummary checks the two native charts are drawn on the Summary sheet, and that
// the change chart has custom error bars from the CI columns.
func TestChartsOnSummary(t *testing.T) {
	for _, evaluatorKind := range []bool{false, true} {
		_, raw := build(t, evaluatorKind, Options{})
		parts := zipParts(t, raw)
		rels := parts["xl/worksheets/_rels/sheet1.xml.rels"]
		if !strings.Contains(parts["xl/workbook.xml"], `<sheet name="Summary" sheetId="1"`) || !strings.Contains(rels, "../drawings/drawing1.xml") {
			t.Fatalf("Summary (sheet1) has no drawing: %s", rels)
		}
		drawing := parts["xl/drawings/_rels/drawing1.xml.rels"]
		for _, chart := range []string{"chart1.xml", "chart2.xml"} {
			if !strings.Contains(drawing, "../charts/"+chart) || parts["xl/charts/"+chart] == "" {
				t.Fatalf("%s is not drawn on Summary: %s", chart, drawing)
			}
		}
		prev, change := parts["xl/charts/chart1.xml"], parts["xl/charts/chart2.xml"]
		if !strings.Contains(prev, "<barChart>") || strings.Count(prev, "<ser>") != 2 || !strings.Contains(prev, "Summary!$K$") {
			t.Errorf("prevalence chart: %.300s", prev)
		}
		if strings.Count(change, "<errBars>") != 1 || !strings.Contains(change, `<errValType val="cust">`) ||
			!regexp.MustCompile(`<plus><numRef><f>Summary!\$F\$\d+:\$F\$\d+</f>`).MatchString(change) ||
			!regexp.MustCompile(`<minus><numRef><f>Summary!\$G\$\d+:\$G\$\d+</f>`).MatchString(change) {
			t.Errorf("change chart has no custom error bars: %.600s", change[strings.Index(change, "<ser>"):])
		}
		if strings.Index(change, "<errBars>") > strings.Index(change, "<cat>") {
			t.Error("errBars must come before cat (CT_BarSer order)")
		}
	}
}

// TestFinish checks the professional finish: frozen headers, filters, print titles, landscape
// fit to width, number formats and document properties.
func TestFinish(t *testing.T) {
	f, _ := build(t, true, Options{Responses: true})
	want := []string{sheetSummary, sheetImpact, sheetDelivery, sheetGroups, sheetGroupDelivery, sheetMethods, sheetDictionary, sheetResponses}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	frozen := map[string]int{sheetSummary: 3, sheetImpact: 5, sheetDelivery: 5, sheetGroups: 4, sheetGroupDelivery: 4, sheetMethods: 1, sheetDictionary: 3, sheetResponses: 1}
	names := f.GetDefinedName()
	for _, sheet := range want {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != frozen[sheet] {
			t.Errorf("%s: panes %+v, want %d rows frozen", sheet, panes, frozen[sheet])
		}
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v", sheet, layout)
		}
		props, _ := f.GetSheetProps(sheet)
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not fit to page", sheet)
		}
		filtered, titled := false, false
		for _, n := range names {
			if n.Scope == sheet && n.Name == "_xlnm._FilterDatabase" {
				filtered = true
			}
			if n.Scope == sheet && n.Name == "_xlnm.Print_Titles" {
				titled = true
			}
		}
		hasTable := sheet != sheetSummary && sheet != sheetMethods
		if filtered != (hasTable && sheet != sheetDelivery) || titled != hasTable {
			t.Errorf("%s: autofilter %v, print titles %v", sheet, filtered, titled)
		}
	}
	props, err := f.GetDocProps()
	if err != nil || props.Creator != "peerpulse" || !strings.Contains(props.Title, "evaluator report") || props.Created != "2027-03-01T10:00:00Z" {
		t.Errorf("document properties %+v %v", props, err)
	}
	// Number formats: a score, a p and a proportion on the programme's first Impact row.
	formats := map[string]string{"I6": "0.0", "P6": "", "V6": "0.0%"}
	for ref, code := range formats {
		style, _ := f.GetCellStyle(sheetImpact, ref)
		s, err := f.GetStyle(style)
		if err != nil || s.CustomNumFmt == nil {
			t.Errorf("%s: no number format", ref)
			continue
		}
		if code != "" && *s.CustomNumFmt != code {
			t.Errorf("%s format %q, want %q", ref, *s.CustomNumFmt, code)
		}
	}
	v, _ := f.GetCellValue(sheetImpact, "P6")
	if !regexp.MustCompile(`^\d\.\d\dE-\d\d$|^0\.0*[1-9]\d\d$`).MatchString(v) {
		t.Errorf("p shows as %q, want 3 significant digits", v)
	}
	if cf, _ := f.GetConditionalFormats(sheetGroups); len(cf) != 1 {
		t.Errorf("Groups conditional formats: %v", cf)
	}
}

// TestResponsesSheet checks the anonymised rows: only exportable groups, random ids that hold
// within an export and change between exports, no participant code, the DB's scores.
func TestResponsesSheet(t *testing.T) {
	db, _ := fixture(t)
	f1, _ := build(t, true, Options{Responses: true})
	f2, _ := build(t, true, Options{Responses: true})
	res := analyse(t, true, Options{})
	exportable := map[string]bool{}
	for _, r := range res.Results {
		if r.Scope == "group" {
			if ok, seen := exportable[r.Key]; !seen || ok {
				exportable[r.Key] = !r.Suppressed
			}
		}
	}
	var codes []string
	want := 0
	for code, ok := range exportable {
		if ok {
			codes = append(codes, "'"+code+"'")
		}
	}
	if len(codes) == 0 || len(codes) == len(exportable) {
		t.Fatalf("the fixture should have some groups withheld and some shown: %d of %d", len(codes), len(exportable))
	}
	err := db.SQL().QueryRow(`SELECT count(*) FROM responses JOIN groups USING (group_id) WHERE group_code IN (` + strings.Join(codes, ",") + `)`).Scan(&want)
	if err != nil {
		t.Fatal(err)
	}
	g1, g2 := readSheet(t, f1, sheetResponses), readSheet(t, f2, sheetResponses)
	if len(g1)-1 != want || len(g2) != len(g1) {
		t.Fatalf("Responses has %d rows, want %d", len(g1)-1, want)
	}
	header := g1[0]
	if header[0] != "Respondent" || !slices.Contains(header, "s_cbi_work") && !slices.Contains(header, "cbi_work") || !slices.Contains(header, "cbi_p1") {
		t.Fatalf("header %q", header)
	}
	rows, err := db.SQL().Query(`SELECT code FROM participants`)
	if err != nil {
		t.Fatal(err)
	}
	participantCodes := map[string]bool{}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		participantCodes[c] = true
	}
	rows.Close()
	ids1, ids2 := map[string]bool{}, map[string]bool{}
	for i, row := range g1[1:] {
		if !exportable[row[1]] {
			t.Fatalf("row %d is from withheld group %s", i+2, row[1])
		}
		for _, v := range row {
			if participantCodes[v] {
				t.Fatalf("row %d holds participant code %q", i+2, v)
			}
		}
		ids1[row[0]] = true
		ids2[g2[i+1][0]] = true
	}
	for id := range ids1 {
		if ids2[id] {
			t.Fatalf("id %s appears in two exports", id)
		}
		if !regexp.MustCompile(`^R[a-z2-9]{12}$`).MatchString(id) {
			t.Fatalf("id %q", id)
		}
	}
	var people int
	err = db.SQL().QueryRow(`SELECT count(DISTINCT participant_id) FROM responses JOIN groups USING (group_id) WHERE group_code IN (` + strings.Join(codes, ",") + `)`).Scan(&people)
	if err != nil || len(ids1) != people {
		t.Fatalf("%d ids for %d people (%v)", len(ids1), people, err)
	}
	// The work burnout scores, summed, equal the database's for the exported groups.
	col := slices.Index(header, "cbi_work")
	var sum, dbSum float64
	for _, row := range g1[1:] {
		if col < len(row) && row[col] != "" {
			sum += number(t, row[col])
		}
	}
	err = db.SQL().QueryRow(`SELECT sum(s_cbi_work) FROM responses JOIN groups USING (group_id) WHERE group_code IN (` + strings.Join(codes, ",") + `)`).Scan(&dbSum)
	if err != nil || !near(sum, dbSum) {
		t.Fatalf("cbi_work sum %v, database %v (%v)", sum, dbSum, err)
	}
}

func TestFunderHasNoResponses(t *testing.T) {
	db, set := fixture(t)
	err := Funder(context.Background(), io.Discard, db, set, Options{Responses: true})
	if !errors.Is(err, ErrResponsesForEvaluators) {
		t.Fatalf("got %v", err)
	}
	f, _ := build(t, false, Options{})
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheetSummary, sheetImpact, sheetDelivery, sheetMethods, sheetDictionary}) {
		t.Fatalf("funder sheets %q", got)
	}
	_ = fmt.Sprint()
}
