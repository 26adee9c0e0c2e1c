package surveys_test

import (
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestPreSurveyJourney walks a new attendee through consent, the code, the timepoint and
// every questionnaire page, with a missing answer, Back and a doubled submit on the way, and
// checks what the database holds at the end.
func TestPreSurveyJourney(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	s := "/s/" + f.invite

	if r := c.post(s+"/start", url.Values{"consent": {"yes"}}); r.status != 303 || !strings.HasSuffix(r.location, "/your-code") {
		t.Fatalf("start: %d %q", r.status, r.location)
	}
	code := c.cookie("pp_OPEN-1")
	when := c.get(s + "/when")
	if !strings.Contains(when.body, `value="pre" checked`) {
		t.Fatal("a new attendee should be offered pre")
	}
	form := formOf(when.body)
	form.Set("tp", "pre")
	form.Set("action", "continue")
	page := c.post(s+"/survey", form)
	clientID := form.Get("client_id")
	mustHave(t, page.body, "Page 1 of 7", "Personal burnout", "How often do you feel tired?", "Never/almost never", "Kristensen TS")
	if q := radioQuestions(page.body); fmt.Sprint(q) != "[cbi_p1 cbi_p2 cbi_p3 cbi_p4 cbi_p5 cbi_p6]" {
		t.Fatalf("page 1 asks %v", q)
	}

	// Continue with cbi_p3 unanswered: the page comes back with one error, answers kept.
	p1 := map[string]string{"cbi_p1": "4", "cbi_p2": "3", "cbi_p4": "2", "cbi_p5": "4", "cbi_p6": "1"}
	r := c.post(s+"/survey", withAnswers(formOf(page.body), p1, "continue"))
	if r.status != 200 || strings.Count(r.body, "<li><a href=") != 1 {
		t.Fatalf("missing answer: status %d", r.status)
	}
	mustHave(t, r.body, "<title>Error: Personal burnout – page 1 of 7", `<a href="#cbi_p3">Select an answer to “How often are you emotionally exhausted?”</a>`,
		`id="cbi_p3-error"`, `aria-describedby="cbi_p3-error"`, "Page 1 of 7")
	if got := checkedRadios(r.body); !maps.Equal(got, p1) {
		t.Errorf("after the error, checked %v, want %v", got, p1)
	}
	p1["cbi_p3"] = "4"
	page2 := c.post(s+"/survey", withAnswers(formOf(r.body), p1, "continue"))
	mustHave(t, page2.body, "Page 2 of 7", "Work-related burnout", "To a very low degree")

	// Back (with one answer given on page 2) shows page 1 as answered; Continue shows page 2
	// with its answer still there.
	back := c.post(s+"/survey", withAnswers(formOf(page2.body), map[string]string{"cbi_w1": "5"}, "back"))
	if got := checkedRadios(back.body); !maps.Equal(got, p1) || !strings.Contains(back.body, "Page 1 of 7") {
		t.Errorf("Back shows %v, want page 1 with %v", got, p1)
	}
	// Back from page 1 returns to the "when" page, still carrying everything.
	when2 := c.post(s+"/survey", withAnswers(formOf(back.body), nil, "back"))
	mustHave(t, when2.body, "When are you answering?", `value="pre" checked`, `name="cbi_w1" value="5"`)
	again := c.post(s+"/survey", withAnswers(formOf(when2.body), map[string]string{"tp": "pre"}, "continue"))
	if got := checkedRadios(again.body); !maps.Equal(got, p1) {
		t.Errorf("page 1 again shows %v, want %v", got, p1)
	}
	page2 = c.post(s+"/survey", withAnswers(formOf(again.body), nil, "continue"))
	if got := checkedRadios(page2.body); got["cbi_w1"] != "5" {
		t.Errorf("page 2 lost its answer: %v", got)
	}

	// The remaining pages, then the optional About page, then submit.
	work := map[string]string{"cbi_w1": "4", "cbi_w2": "3", "cbi_w3": "4", "cbi_w4": "4", "cbi_w5": "3", "cbi_w6": "2", "cbi_w7": "2"}
	r = c.post(s+"/survey", withAnswers(formOf(page2.body), work, "continue"))
	mustHave(t, r.body, "Page 3 of 7", "Patient-related burnout", "I don&#39;t work directly with patients", `name="skip-cbi_patient"`)
	patient := map[string]string{"cbi_c1": "3", "cbi_c2": "2", "cbi_c3": "2", "cbi_c4": "3", "cbi_c5": "1", "cbi_c6": "2"}
	r = c.post(s+"/survey", withAnswers(formOf(r.body), patient, "continue"))
	morale := map[string]string{}
	for n := 4; n <= 6; n++ {
		mustHave(t, r.body, fmt.Sprintf("Page %d of 7", n), "Strongly disagree")
		for _, q := range radioQuestions(r.body) {
			morale[q] = strconv.Itoa(1 + len(morale)%5)
		}
		r = c.post(s+"/survey", withAnswers(formOf(r.body), morale, "continue"))
	}
	mustHave(t, r.body, "Page 7 of 7", "About your work", "These questions are optional", "Allied health professional",
		"Prefer not to say", ">Submit answers</button>")
	last := withAnswers(formOf(r.body), map[string]string{"profession": "nurse", "career_stage": "early career"}, "continue")
	done := c.post(s+"/survey", last)
	if done.status != 303 || !strings.HasSuffix(done.location, "/thanks?tp=pre") {
		t.Fatalf("submit: %d %q", done.status, done.location)
	}
	thanks := c.get(done.location)
	mustHave(t, thanks.body, "Your answers have been saved", "When your group ends", code[:3]+"-"+code[3:])

	// A doubled submit (same client id) is stored once and answered the same way.
	if again := c.post(s+"/survey", last); again.status != 303 || again.location != done.location {
		t.Errorf("doubled submit: %d %q", again.status, again.location)
	}

	rs := f.responses(t)
	if len(rs) != 1 {
		t.Fatalf("%d responses stored, want 1", len(rs))
	}
	got := rs[0]
	want := map[string]string{}
	for _, m := range []map[string]string{p1, work, patient, morale} {
		maps.Copy(want, m)
	}
	if got.code != code || got.timepoint != "pre" || got.profession != "nurse" || got.careerStage != "early career" ||
		len(got.answers) != len(want) {
		t.Errorf("stored %+v", got)
	}
	for id, v := range want {
		if strconv.Itoa(got.answers[id]) != v {
			t.Errorf("answer %s = %d, want %s", id, got.answers[id], v)
		}
	}
	// INSTRUMENTS.md §2 fixture for the work scale: codes 4,3,4,4,3,2,2 → 425/7.
	if s := got.scores["cbi_work"]; s == nil || *s != 425.0/7 {
		t.Errorf("cbi_work = %v, want %v", s, 425.0/7)
	}
	if s := got.scores["cbi_personal"]; s == nil || *s != 50 { // codes 4,3,4,2,4,1
		t.Errorf("cbi_personal = %v, want 50", s)
	}
	if s := got.scores["morale"]; s == nil {
		t.Error("morale not scored")
	}
	var storedClient string
	f.db.SQL().QueryRow(`SELECT client_id FROM responses`).Scan(&storedClient)
	if storedClient != clientID {
		t.Errorf("client id %q, want the one drawn on the when page %q", storedClient, clientID)
	}
}

// TestReturningAttendeeOnANewDevice answers pre on one device, then types the code on
// another (lower case, with a hyphen), is offered post, and is linked to the same person.
func TestReturningAttendeeOnANewDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := "/s/" + f.invite
	phone := f.client(t)
	phone.post(s+"/start", url.Values{"consent": {"yes"}})
	code := phone.cookie("pp_OPEN-1")
	if r := phone.completeSurvey(f.invite, person{tp: "pre", profession: "GP"}); r.status != 303 {
		t.Fatalf("pre: %d", r.status)
	}

	laptop := f.client(t)
	typed := strings.ToLower(code[:3] + "-" + code[3:])
	if r := laptop.post(s+"/code", url.Values{"code": {"AAA-AAA"}}); !strings.Contains(r.body, "We cannot find this code") ||
		laptop.cookie("pp_OPEN-1") != "" {
		t.Fatal("an unknown code must be refused, and no cookie set")
	}
	r := laptop.post(s+"/code", url.Values{"code": {typed}})
	if r.status != 303 || !strings.HasSuffix(r.location, "/when") || laptop.cookie("pp_OPEN-1") != code {
		t.Fatalf("typed code %q: %d %q, cookie %q", typed, r.status, r.location, laptop.cookie("pp_OPEN-1"))
	}
	if !strings.Contains(laptop.get(s+"/when").body, `value="post" checked`) {
		t.Error("after pre, post should be suggested")
	}
	post := person{tp: "post", codes: map[string]int{"cbi_p1": 2, "cbi_w2": 1}}
	if r := laptop.completeSurvey(f.invite, post); r.status != 303 || !strings.HasSuffix(r.location, "/thanks?tp=post") {
		t.Fatalf("post: %d %q", r.status, r.location)
	}

	rs := f.responses(t)
	if len(rs) != 2 || rs[0].timepoint != "pre" || rs[1].timepoint != "post" || rs[0].participantID != rs[1].participantID ||
		rs[1].code != code {
		t.Fatalf("responses %+v", rs)
	}
	if rs[1].profession != "" || len(rs[1].answers) != 32 || rs[1].answers["cbi_p1"] != 2 {
		t.Errorf("post stored %+v", rs[1])
	}
	if s := rs[1].scores["cbi_personal"]; s == nil || *s != (25.0+5*50)/6 {
		t.Errorf("post cbi_personal = %v", s)
	}
}

// TestSafeguardingAndSkip: "Always" to "I can't take it anymore" leads to the support page;
// a person who does not work with patients skips that page and its scale is not scored.
func TestSafeguardingAndSkip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name    string
		p       person
		support bool
	}{
		{"always can't take it anymore", person{tp: "pre", codes: map[string]int{"cbi_p4": 5, "cbi_p1": 1, "cbi_p2": 1, "cbi_p3": 1, "cbi_p5": 1, "cbi_p6": 1}}, true},
		{"work burnout at 75", person{tp: "pre", codes: map[string]int{"cbi_w1": 4, "cbi_w2": 4, "cbi_w3": 4, "cbi_w4": 4, "cbi_w5": 4, "cbi_w6": 4, "cbi_w7": 2}}, true},
		{"no patients, moderate answers", person{tp: "pre", skipPatient: true}, false},
	}
	for i, tc := range cases {
		c := f.client(t)
		c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}})
		r := c.completeSurvey(f.invite, tc.p)
		wantPath := "/thanks?tp=pre"
		if tc.support {
			wantPath = "/support"
		}
		if r.status != 303 || !strings.HasSuffix(r.location, wantPath) {
			t.Errorf("%s: %d %q, want …%s", tc.name, r.status, r.location, wantPath)
			continue
		}
		if tc.support {
			mustHave(t, c.get(r.location).body, "under a lot of strain", "Samaritans", "Your answers have been saved")
		}
		got := f.responses(t)[i]
		if tc.p.skipPatient {
			if _, answered := got.answers["cbi_c1"]; answered || got.scores["cbi_patient"] != nil || got.scores["cbi_personal"] == nil {
				t.Errorf("%s: skipped patient scale stored as %v / %v", tc.name, got.answers, got.scores)
			}
		}
	}
}

// withAnswers sets the chosen answers and the button pressed on a page's hidden fields.
func withAnswers(form url.Values, answers map[string]string, action string) url.Values {
	for k, v := range answers {
		form.Set(k, v)
	}
	form.Set("action", action)
	return form
}

func mustHave(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}
