package surveys_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestPulseJourney answers a session pulse on a device that must first type its code, with
// a refused empty pulse and an over-long comment on the way.
func TestPulseJourney(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	phone := f.client(t)
	phone.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}})
	code := phone.cookie("pp_OPEN-1")

	c := f.client(t) // another device, without the code
	p := "/p/" + f.pulse
	if r := c.post(p+"/code", url.Values{"code": {"ACD 34"}}); !strings.Contains(r.body, "Your code has 6 letters") {
		t.Error("a short code must be refused")
	}
	r := c.post(p+"/code", url.Values{"code": {strings.ToLower(code)}})
	if r.status != 303 || r.location != p || c.cookie("pp_OPEN-1") != code {
		t.Fatalf("pulse code: %d %q", r.status, r.location)
	}
	page := c.get(p)
	mustHave(t, page.body, "Session 1: Getting started", "Three quick questions", "Today&#39;s session was useful to me",
		"Please do not include names")
	form := formOf(page.body)

	empty := c.post(p, form)
	mustHave(t, empty.body, "<title>Error: ", `<a href="#pulse_open">Answer at least one of the questions</a>`)

	long := "<b>" + strings.Repeat("x", 994) + "</b>"
	form.Set("pulse_useful", "5")
	form.Set("pulse_comment", long)
	tooLong := c.post(p, form)
	mustHave(t, tooLong.body, `<a href="#pulse_comment">Your answer must be 1000 characters or fewer (it has 1001)</a>`,
		"&lt;b&gt;xxx", `value="5" checked`, "nhsuk-textarea--error")
	if strings.Contains(tooLong.body, "<b>x") {
		t.Error("the comment must be escaped, never rendered as markup")
	}

	form = formOf(tooLong.body)
	form.Set("pulse_open", "4")
	form.Set("pulse_comment", "Really <b>helpful</b>\r\nthanks")
	r = c.post(p, form)
	if r.status != 303 || r.location != p+"/thanks" {
		t.Fatalf("pulse submit: %d %q", r.status, r.location)
	}
	mustHave(t, c.get(r.location).body, "Your feedback has been saved")
	if again := c.post(p, form); again.status != 303 {
		t.Errorf("doubled pulse: %d", again.status)
	}

	rs := f.responses(t)
	if len(rs) != 1 {
		t.Fatalf("%d responses, want 1", len(rs))
	}
	got := rs[0]
	if got.code != code || got.timepoint != "session" || got.sessionNo != 1 || len(got.answers) != 2 ||
		got.answers["pulse_open"] != 4 || got.answers["pulse_useful"] != 5 ||
		got.texts["pulse_comment"] != "Really <b>helpful</b>\nthanks" {
		t.Errorf("stored %+v", got)
	}
}

// TestBusyKeepsAnswers: when the writer cannot take a submission, the person gets a 503
// page that still holds every answer and lets them press the same button again.
func TestBusyKeepsAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}})
	f.writer.Close() // the service is shutting down: ErrWriterClosed, mapped like ErrQueueFull

	r := c.completeSurvey(f.invite, person{tp: "pre", codes: map[string]int{"cbi_p1": 5}})
	if r.status != 503 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	mustHave(t, r.body, "The service is busy", "press “Submit answers” again", `action="/s/`+f.invite+`/survey"`, ">Submit answers</button>")
	kept := hiddenFields(r.body)
	if kept.Get("tp") != "pre" || kept.Get("page") != "7" || kept.Get("cbi_p1") != "5" || kept.Get("nss_str7") != "3" ||
		len(kept.Get("client_id")) != 32 {
		t.Errorf("busy page keeps %v", kept)
	}

	fresh := f.client(t)
	if r := fresh.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}}); r.status != 503 ||
		!strings.Contains(r.body, "press “Start” again") || fresh.cookie("pp_OPEN-1") != "" {
		t.Errorf("start while busy: %d", r.status)
	}
	pulse := c.get("/p/" + f.pulse)
	form := formOf(pulse.body)
	form.Set("pulse_open", "3")
	if r := c.post("/p/"+f.pulse, form); r.status != 503 || hiddenFields(r.body).Get("pulse_open") != "3" {
		t.Errorf("pulse while busy: %d", r.status)
	}
}
