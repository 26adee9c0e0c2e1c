package surveys

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// testPages lays out the shipped instruments as the pre questionnaire is laid out.
func testPages(t *testing.T, tp string) []surveyPage {
	t.Helper()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	pages := planPages(set.ForTimepoint(tp))
	if tp == "pre" {
		pages = append(pages, surveyPage{Heading: "About your work", About: true})
	}
	return pages
}

func fields(errs []web.FieldError) string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return strings.Join(out, " ")
}

func TestValidatePage(t *testing.T) {
	pages := testPages(t, "pre")
	personal, patient, about := &pages[0], &pages[2], &pages[6]
	all := func(p *surveyPage, code int) map[string]int {
		m := map[string]int{}
		for _, it := range p.Items {
			m[it.ID] = code
		}
		return m
	}
	cases := []struct {
		name string
		page *surveyPage
		form surveyForm
		want string // fields in error, in order
	}{
		{"all answered", personal, surveyForm{Answers: all(personal, 2)}, ""},
		{"nothing answered", personal, surveyForm{}, "cbi_p1 cbi_p2 cbi_p3 cbi_p4 cbi_p5 cbi_p6"},
		{"one missing", personal, surveyForm{Answers: map[string]int{"cbi_p1": 1, "cbi_p2": 1, "cbi_p4": 1, "cbi_p5": 1, "cbi_p6": 1}}, "cbi_p3"},
		{"patient skipped", patient, surveyForm{Skipped: map[string]bool{"cbi_patient": true}}, ""},
		{"patient skipped with some answers", patient, surveyForm{Skipped: map[string]bool{"cbi_patient": true}, Answers: map[string]int{"cbi_c1": 3}}, ""},
		{"patient not skipped", patient, surveyForm{Answers: map[string]int{"cbi_c1": 3}}, "cbi_c2 cbi_c3 cbi_c4 cbi_c5 cbi_c6"},
		{"skipping another scale does not count", personal, surveyForm{Skipped: map[string]bool{"cbi_personal": true}}, "cbi_p1 cbi_p2 cbi_p3 cbi_p4 cbi_p5 cbi_p6"},
		{"about is optional", about, surveyForm{}, ""},
		{"about from the lists", about, surveyForm{Profession: "GP trainee", CareerStage: "mid career"}, ""},
		{"about not from the lists", about, surveyForm{Profession: "surgeon", CareerStage: "Mid career"}, "profession career_stage"},
	}
	for _, tc := range cases {
		if got := fields(validatePage(tc.page, &tc.form)); got != tc.want {
			t.Errorf("%s: errors on %q, want %q", tc.name, got, tc.want)
		}
	}
	msg := validatePage(personal, &surveyForm{})[3].Message
	if msg != `Select an answer to “How often do you think: "I can't take it anymore"?”` {
		t.Errorf("message %q", msg)
	}
}

func TestFirstInvalidPage(t *testing.T) {
	pages := testPages(t, "post")
	f := surveyForm{Answers: map[string]int{}}
	for _, p := range pages {
		for _, it := range p.Items {
			f.Answers[it.ID] = 1
		}
	}
	if i, _ := firstInvalidPage(pages, &f); i != -1 {
		t.Errorf("complete form: page %d invalid", i)
	}
	delete(f.Answers, "nss_press2")
	if i, errs := firstInvalidPage(pages, &f); i != 4 || fields(errs) != "nss_press2" {
		t.Errorf("page %d, errors %v", i, errs)
	}
}

func TestSmallValidators(t *testing.T) {
	cases := []struct {
		name string
		errs []web.FieldError
		want string
	}{
		{"consent given", validateConsent(true), ""},
		{"consent missing", validateConsent(false), "consent"},
		{"timepoint pre", validateTimepoint(map[string][]surveyPage{"pre": {{}}}, "pre"), ""},
		{"timepoint without pages", validateTimepoint(map[string][]surveyPage{"pre": {{}}}, "post"), "tp"},
		{"timepoint crafted", validateTimepoint(map[string][]surveyPage{"pre": {{}}}, "session"), "tp"},
		{"text at the limit", validateText("c", 3, "aé😀"), ""},
		{"text over the limit", validateText("c", 3, "abcd"), "c"},
	}
	for _, tc := range cases {
		if got := fields(tc.errs); got != tc.want {
			t.Errorf("%s: errors on %q, want %q", tc.name, got, tc.want)
		}
	}
	for raw, want := range map[string]string{"acd-347": "ACD347", " ACD 347 ": "ACD347", "ACD347": "ACD347", "AC0-347": "", "": "", "ACD-3477": ""} {
		code, errs := validateCodeFormat(raw)
		if code != want || (want == "") != (len(errs) == 1) {
			t.Errorf("validateCodeFormat(%q) = %q, %v", raw, code, errs)
		}
	}
}

func TestValidatePulse(t *testing.T) {
	set, _ := instrument.Load()
	p := surveyPage{}
	for _, in := range set.ForTimepoint("session") {
		for i := range in.Items {
			p.Items = append(p.Items, &in.Items[i])
		}
		p.Texts = append(p.Texts, in.TextFields...)
	}
	long := strings.Repeat("é", 1001)
	for _, tc := range []struct {
		form surveyForm
		want string
	}{
		{surveyForm{}, "pulse_open"},
		{surveyForm{Answers: map[string]int{"pulse_recommend": 2}}, ""},
		{surveyForm{Answers: map[string]int{"pulse_open": 2}, Texts: map[string]string{"pulse_comment": long}}, "pulse_comment"},
		{surveyForm{Texts: map[string]string{"pulse_comment": "only a comment"}}, "pulse_open"},
	} {
		if got := fields(validatePulse(&p, &tc.form)); got != tc.want {
			t.Errorf("%v: errors on %q, want %q", fmt.Sprint(tc.form.Answers), got, tc.want)
		}
	}
}
