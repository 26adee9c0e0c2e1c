package surveys

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func TestPlanPages(t *testing.T) {
	pre := testPages(t, "pre")
	var got []string
	for _, p := range pre {
		got = append(got, fmt.Sprintf("%s:%d", p.Heading, len(p.Items)))
	}
	want := "[Personal burnout:6 Work-related burnout:7 Patient-related burnout:6 Thinking about leaving:3 Work pressure:3 Stressors:7 About your work:0]"
	if fmt.Sprint(got) != want {
		t.Errorf("pre pages %v\nwant %s", got, want)
	}
	if !pre[2].skippable() || pre[0].skippable() || !asksAbout(pre) || asksAbout(testPages(t, "post")) {
		t.Error("only the patient page may be skipped, and only pre asks about work")
	}
	if pageOf(pre, "nss_str3") != 5 || pageOf(pre, "career_stage") != 6 || pageOf(pre, "client_id") != -1 {
		t.Error("pageOf")
	}

	// Unscored items and free-text fields of an instrument get a page of their own.
	set, _ := instrument.Load()
	pulse, _ := set.Get("pulse")
	pages := planPages([]*instrument.Instrument{pulse})
	if len(pages) != 1 || len(pages[0].Items) != 3 || len(pages[0].Texts) != 1 || pages[0].Heading != "Session pulse" {
		t.Errorf("pulse pages %+v", pages)
	}
}

func TestSurveyFormHiddenAndSubmission(t *testing.T) {
	pages := testPages(t, "pre")
	f := surveyForm{Timepoint: "pre", ClientID: "abcdefgh12",
		Answers:    map[string]int{"cbi_p1": 2, "cbi_w1": 3, "cbi_c1": 4, "nss_str1": 5},
		Skipped:    map[string]bool{"cbi_patient": true},
		Texts:      map[string]string{},
		Profession: "nurse",
	}
	hidden := fmt.Sprint(f.hidden(pages[0].shown()))
	if hidden != "[{cbi_c1 4} {cbi_w1 3} {nss_str1 5} {skip-cbi_patient yes} {profession nurse}]" {
		t.Errorf("hidden on page 1: %s", hidden)
	}
	if h := fmt.Sprint(f.hidden(pages[6].shown())); strings.Contains(h, "profession") {
		t.Errorf("the About page shows profession, so it is not hidden there: %s", h)
	}
	sub := f.submission(pages)
	if fmt.Sprint(sub.Answers) != "map[cbi_p1:2 cbi_w1:3 nss_str1:5]" || sub.Profession != "nurse" || sub.ClientID != "abcdefgh12" {
		t.Errorf("submission %+v: a skipped scale's answers must be dropped", sub)
	}
	post := f
	post.Timepoint = "post"
	if sub := post.submission(testPages(t, "post")); sub.Profession != "" {
		t.Error("post does not ask about work, so it must not store it")
	}
}

func TestPageOfErrors(t *testing.T) {
	pages := testPages(t, "pre")
	i, errs := pageOfErrors(pages, []instrument.FieldError{
		{Field: "answers.nss_leave1", Message: "a"}, {Field: "answers.cbi_w2", Message: "b"},
		{Field: "career_stage", Message: "c"}, {Field: "client_id", Message: "d"},
	})
	if i != 1 || fmt.Sprint(errs) != "[{cbi_w2 b}]" {
		t.Errorf("page %d, errors %v", i, errs)
	}
	if i, errs := pageOfErrors(pages, []instrument.FieldError{{Field: "timepoint", Message: "x"}}); i != 6 || errs[0].Field != "maincontent" {
		t.Errorf("unplaceable error on page %d: %v", i, errs)
	}
}

func TestWithPartials(t *testing.T) {
	src := fstest.MapFS{
		"t/a.html":          {Data: []byte("A")},
		"t/b.html":          {Data: []byte("B")},
		"t/partials/p.html": {Data: []byte("P")},
		"t/partials/q.html": {Data: []byte("Q")},
	}
	pages, err := withPartials(src, "t", "t/partials")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(pages, "*.html")
	slices.Sort(names)
	a, _ := fs.ReadFile(pages, "a.html")
	if fmt.Sprint(names) != "[a.html b.html]" || string(a) != "A\nP\nQ" {
		t.Errorf("pages %v, a.html %q", names, a)
	}
	if _, err := parseViews(); err != nil {
		t.Fatal(err)
	}
}

func TestViewHelpers(t *testing.T) {
	if sentenceCase("allied health professional") != "Allied health professional" || sentenceCase("GP trainee") != "GP trainee" || sentenceCase("") != "" {
		t.Error("sentenceCase")
	}
	if spell("ACD347") != "A C D 3 4 7" || optionID("q", 0) != "q" || optionID("q", 2) != "q-3" {
		t.Error("spell or optionID")
	}
	v := radiosView{ID: "q", Hint: "h", Error: "e"}
	if v.DescribedBy() != "q-hint q-error" {
		t.Errorf("DescribedBy %q", v.DescribedBy())
	}
}
