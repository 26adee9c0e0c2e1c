package surveys_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestAttendeePages checks single round trips of the attendee pages: status, redirect,
// what the page must and must not say, and the code cookie. Each case runs on a fresh
// device; withCode first takes part (consent), as a returning attendee's device would have.
func TestAttendeePages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	type tokens struct{ invite, pulse, closed string }
	tok := tokens{f.invite, f.pulse, f.closed}
	cases := []struct {
		name     string
		withCode bool
		method   string
		path     func(tokens) string
		form     url.Values
		status   int
		location string // suffix of the Location header
		want     []string
		dontWant []string
	}{
		{name: "landing has the consent step", method: "GET", path: func(k tokens) string { return "/s/" + k.invite },
			status: 200, want: []string{"Thursday Balint group", "about 5 minutes", "totals for groups of 5 or more people",
				"do not store your name, email address or IP address", "code that you keep",
				"Kristensen TS", "NHS Staff Survey", "Free to use",
				`name="consent" type="checkbox" value="yes"`, "I agree to take part", ">Start</button>",
				`href="/s/` + tok.invite + `/code">I already have a code`, "Test pilot"},
			dontWant: []string{"Welcome back", "nhsuk-error-summary", "style="}},
		{name: "unknown token is a friendly 404", method: "GET", path: func(tokens) string { return "/s/no-such-token" },
			status: 404, want: []string{"This survey link is not working", "ask your facilitator"}},
		{name: "closed group is a calm 410", method: "GET", path: func(k tokens) string { return "/s/" + k.closed },
			status: 410, want: []string{"This survey has closed"}, dontWant: []string{"nhsuk-error-summary"}},
		{name: "closed group takes no consent", method: "POST", path: func(k tokens) string { return "/s/" + k.closed + "/start" },
			form: url.Values{"consent": {"yes"}}, status: 410, want: []string{"This survey has closed"}},
		{name: "start without consent shows the error summary", method: "POST", path: func(k tokens) string { return "/s/" + k.invite + "/start" },
			status: 200, want: []string{"<title>Error: ", "There is a problem", `tabindex="-1" autofocus`,
				`<a href="#consent">Tick “I agree to take part” to start`, `id="consent-error"`, "nhsuk-form-group--error"}},
		{name: "start with consent issues a code", method: "POST", path: func(k tokens) string { return "/s/" + k.invite + "/start" },
			form: url.Values{"consent": {"yes"}}, status: 303, location: "/your-code"},
		{name: "returning device is welcomed back", withCode: true, method: "GET", path: func(k tokens) string { return "/s/" + k.invite },
			status: 200, want: []string{"Welcome back", "Use a different code", `action="/s/` + tok.invite + `/forget"`, `href="/s/` + tok.invite + `/when"`},
			dontWant: []string{`name="consent"`}},
		{name: "your-code needs a code", method: "GET", path: func(k tokens) string { return "/s/" + k.invite + "/your-code" },
			status: 303, location: "/s/" + tok.invite},
		{name: "when needs a code", method: "GET", path: func(k tokens) string { return "/s/" + k.invite + "/when" },
			status: 303, location: "/s/" + tok.invite},
		{name: "answers need a code", method: "POST", path: func(k tokens) string { return "/s/" + k.invite + "/survey" },
			form: url.Values{"tp": {"pre"}, "page": {"1"}}, status: 303, location: "/s/" + tok.invite},
		{name: "when offers the timepoints", withCode: true, method: "GET", path: func(k tokens) string { return "/s/" + k.invite + "/when" },
			status: 200, want: []string{`<h1 class="nhsuk-fieldset__heading">When are you answering?</h1>`,
				`value="pre" checked`, `value="post"`, `value="followup"`, "Before or at your first session", `name="client_id"`}},
		{name: "code form", method: "GET", path: func(k tokens) string { return "/s/" + k.invite + "/code" },
			status: 200, want: []string{"Enter your code", `id="code" name="code" type="text"`, `autocomplete="off"`, "like ACD-347"}},
		{name: "code of the wrong length", method: "POST", path: func(k tokens) string { return "/s/" + k.invite + "/code" },
			form: url.Values{"code": {"ACD-34"}}, status: 200,
			want: []string{"<title>Error: ", `<a href="#code">Your code has 6 letters and numbers`, `value="ACD-34"`, "nhsuk-input--error"}},
		{name: "unknown code", method: "POST", path: func(k tokens) string { return "/s/" + k.invite + "/code" },
			form: url.Values{"code": {"aaa-aaa"}}, status: 200,
			want: []string{"We cannot find this code in this group. Check it, or start as a new participant", "Start as a new participant"}},
		{name: "support page lists the support options", method: "GET", path: func(k tokens) string { return "/s/" + k.invite + "/support" },
			status: 200, want: []string{"Some of your answers suggest you may be under a lot of strain", "NHS Practitioner Health",
				"0300 0303 300", `<a href="https://www.samaritans.org">`, "Text FRONTLINE to 85258", "nobody will contact you"},
			dontWant: []string{"nhsuk-error", "warning"}},
		{name: "pulse without a code asks for it", method: "GET", path: func(k tokens) string { return "/p/" + k.pulse },
			status: 200, want: []string{"Enter your code", `action="/p/` + tok.pulse + `/code"`, "open the survey link your facilitator sent you first"},
			dontWant: []string{"Start as a new participant", tok.invite}},
		{name: "pulse with a code", withCode: true, method: "GET", path: func(k tokens) string { return "/p/" + k.pulse },
			status: 200, want: []string{"Session 1: Getting started", "I felt able to speak openly", `data-maxlength="1000"`,
				"You can enter up to 1000 characters", `name="pulse_comment"`, ">Send feedback</button>"}},
		{name: "unknown pulse token", method: "GET", path: func(tokens) string { return "/p/nope" }, status: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := f.client(t)
			if tc.withCode {
				c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}})
			}
			var r response
			if tc.method == "GET" {
				r = c.get(tc.path(tok))
			} else {
				r = c.post(tc.path(tok), tc.form)
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (location %q)", r.status, tc.status, r.location)
			}
			if !strings.HasSuffix(r.location, tc.location) {
				t.Errorf("location %q, want …%s", r.location, tc.location)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			for _, s := range tc.want {
				if !strings.Contains(r.body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.dontWant {
				if strings.Contains(r.body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
}

// TestCodeCookie checks the cookie's attributes, its Secure flag behind HTTPS, and that
// "Use a different code" clears it.
func TestCodeCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	r := c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}})
	if len(r.cookies) != 1 {
		t.Fatalf("want one cookie, got %v", r.cookies)
	}
	ck := r.cookies[0]
	if ck.Name != "pp_OPEN-1" || len(ck.Value) != 6 || ck.Path != "/" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
		ck.MaxAge != 400*24*3600 || ck.Secure {
		t.Errorf("cookie %+v", ck)
	}
	shown := c.get(r.location)
	display := ck.Value[:3] + "-" + ck.Value[3:]
	if !strings.Contains(shown.body, `id="participant-code" aria-hidden="true">`+display+`</strong>`) ||
		!strings.Contains(shown.body, "Write this code down or take a screenshot") {
		t.Errorf("your-code page does not show %s", display)
	}

	// Behind a TLS-terminating proxy the cookie is Secure.
	req := httptest.NewRequest("POST", "/s/"+f.invite+"/start", strings.NewReader("consent=yes"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	if r := f.client(t).do(req); len(r.cookies) != 1 || !r.cookies[0].Secure {
		t.Errorf("HTTPS cookie %v, want Secure", r.cookies)
	}

	r = c.post("/s/"+f.invite+"/forget", nil)
	if r.status != 303 || len(r.cookies) != 1 || r.cookies[0].Value != "" || c.cookie("pp_OPEN-1") != "" {
		t.Fatalf("forget: status %d, cookies %v", r.status, r.cookies)
	}
	if body := c.get("/s/" + f.invite).body; strings.Contains(body, "Welcome back") || !strings.Contains(body, `name="consent"`) {
		t.Error("after forgetting, the landing page should offer the consent step again")
	}
}

// TestFormPostsAreRateLimited: the attendee forms share the API's limiter, so nobody can
// try codes quickly; pages are not limited.
func TestFormPostsAreRateLimited(t *testing.T) {
	t.Parallel()
	f := newLimitedFixture(t, 3)
	c := f.client(t)
	for i := range 3 {
		if r := c.post("/s/"+f.invite+"/code", url.Values{"code": {"AAA-AAA"}}); r.status != 200 {
			t.Fatalf("post %d: %d", i+1, r.status)
		}
	}
	r := c.post("/s/"+f.invite+"/code", url.Values{"code": {"AAA-AAA"}})
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Too many requests") {
		t.Errorf("fourth post: %d %q", r.status, r.header.Get("Retry-After"))
	}
	// Page navigation has its own, five times wider limit: a ward's phones may share an address.
	for i := range 15 {
		if r := c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}}); r.status == 429 {
			t.Fatalf("navigation post %d limited by the code limit", i+1)
		}
	}
	if r := c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}}); r.status != 429 {
		t.Errorf("navigation post 16: %d, want 429", r.status)
	}
	if r := c.get("/s/" + f.invite); r.status != 200 {
		t.Errorf("pages are not limited: %d", r.status)
	}
}
