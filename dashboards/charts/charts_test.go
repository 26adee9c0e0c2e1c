package charts

import (
	"html/template"
	"strings"
	"testing"
)

func TestLabel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"BAL-02", "BAL-02"},
		{"North East and Yorkshire", "North East and Yorkshire"},
		{"</script><script>alert(1)</script>", "/scriptscriptalert(1)/script"},
		{"&lt;/script&gt;", "lt/scriptgt"},
		{"__f__alert(1)__f__", "_f_alert(1)_f_"},
		{`a"b\c'd`, "abcd"},
		{"tab\there\nnewline", "tab here newline"},
		{"Ysbyty Gwynedd – Bangor", "Ysbyty Gwynedd – Bangor"},
		{strings.Repeat("x", 100), strings.Repeat("x", maxLabel)},
	} {
		if got := Label(tc.in); got != tc.want {
			t.Errorf("Label(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestOptionIsSafe: whatever labels come in, the option cannot end its script or carry a
// function marker, and our own function arrives as a function.
func TestOptionIsSafe(t *testing.T) {
	v, lo, hi := -3.5, -6.0, -1.0
	evil := "</script><script>alert(1)</script>__f__x__f__<!--"
	f, err := Forest(ForestSpec{ID: "f", Title: evil, Rows: []ForestRow{{Label: evil, Est: &v, Low: &lo, High: &hi}, {Label: "Pooled", Est: &v, Low: &lo, High: &hi, Pooled: true}}})
	if err != nil {
		t.Fatal(err)
	}
	opt := string(f.Option)
	for _, bad := range []string{"</", "<!--", "__f__", "<script"} {
		if strings.Contains(opt, bad) {
			t.Errorf("option holds %q: %s", bad, opt)
		}
	}
	if !strings.Contains(opt, `"renderItem":function (params, api)`) {
		t.Errorf("renderItem is not a function: %s", opt)
	}
	if !strings.Contains(opt, `"saveAsImage":{"show":true`) || !strings.Contains(opt, `"animation":false`) || !strings.Contains(opt, Palette[0]) {
		t.Errorf("toolbox, animation or palette missing: %s", opt)
	}
	b, err := Bars(BarSpec{ID: "b", Categories: []string{evil}, Series: []Series{{Name: evil, Values: []*float64{nil}}}})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b.Option); strings.Contains(s, "</") || !strings.Contains(s, `"value":"-"`) {
		t.Errorf("bar option: %s", s)
	}
}

// TestOptionRefusesMarkup: a chart whose JSON would end its script is refused, not shipped.
func TestOptionRefusesMarkup(t *testing.T) {
	if _, err := option(fakeChart(`{"name":"</script>"}`)); err == nil {
		t.Error("markup accepted")
	}
	if _, err := option(fakeChart(`{"f":"__f__function(){}"}`)); err == nil {
		t.Error("an unbalanced function marker accepted")
	}
}

type fakeChart string

func (fakeChart) Validate()                       {}
func (c fakeChart) JSONNotEscaped() template.HTML { return template.HTML(c) }

func TestFigureHTML(t *testing.T) {
	f := Figure{ID: "x", Title: "T <b>", Summary: "S", Option: "{}", Table: Table{Caption: "C", Head: []string{"A", "B"},
		Rows: [][]Cell{{Text("row <i>"), {Text: "1.5", Value: "1.5", Ref: "a÷b"}}}}}
	h, err := f.HTML("NONCE")
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	for _, want := range []string{`<script nonce="NONCE">`, `class="app-chart"`, `data-table="x"`, `data-value="1.5"`, "T &lt;b&gt;", "row &lt;i&gt;", `role="img"`} {
		if !strings.Contains(s, want) {
			t.Errorf("figure HTML lacks %q:\n%s", want, s)
		}
	}
	f.Option = ""
	if h, _ := f.HTML("N"); strings.Contains(string(h), "<script") || !strings.Contains(string(h), " open>") {
		t.Errorf("a figure without a chart still has a script, or its table is closed:\n%s", h)
	}
}
