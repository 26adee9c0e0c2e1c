package dashboards

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
)

func TestLoginScenarios(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	tests := []struct {
		name, email, password string
		status                int
		location              string
		contains              string
	}{
		{"right password", "ADMIN@example.nhs.uk ", "admin password 123", 303, "/console", ""},
		{"wrong password", "admin@example.nhs.uk", "admin password 124", 401, "", "The email address or password is not right"},
		{"unknown email reads the same", "nobody@example.nhs.uk", "admin password 123", 401, "", "The email address or password is not right"},
		{"disabled-looking empty fields", "", "", 422, "", "Enter your email address"},
		{"evaluator lands on their home", "evaluator@example.nhs.uk", "evaluator password 123", 303, roleHome(accounts.Evaluator), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := f.browser(t)
			r := b.post("/login", url.Values{"email": {tt.email}, "password": {tt.password}})
			if r.status != tt.status || r.location != tt.location || !strings.Contains(r.body, tt.contains) {
				t.Fatalf("status %d location %q, want %d %q containing %q:\n%s", r.status, r.location, tt.status, tt.location, tt.contains, r.body)
			}
			if strings.Contains(r.body, tt.password) && tt.password != "" {
				t.Error("the page echoes the password")
			}
		})
	}
	// The session cookie is HttpOnly and SameSite=Lax, and only its hash is stored.
	b := f.browser(t)
	r := b.post("/login", url.Values{"email": {"funder@example.nhs.uk"}, "password": {"funder password 123"}})
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || len(cookie.Value) < 40 {
		t.Fatalf("session cookie %+v", cookie)
	}
	var n int
	if err := f.db.SQL().QueryRow(`SELECT count(*) FROM staff_sessions WHERE token_hash = ?`, cookie.Value).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the raw session secret is stored (%d, %v)", n, err)
	}
	audit := strings.Join(f.auditActions(t), "\n")
	for _, want := range []string{"admin@example.nhs.uk login admin@example.nhs.uk", "anonymous login.failed admin@example.nhs.uk",
		"anonymous login.failed nobody@example.nhs.uk", "funder@example.nhs.uk login funder@example.nhs.uk"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %q:\n%s", want, audit)
		}
	}
	if strings.Contains(audit, "password 12") {
		t.Error("a password reached the audit log")
	}
}

func TestNextIsLocalOnly(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	for next, want := range map[string]string{
		"/console/groups/MC-01": "/console/groups/MC-01",
		"//evil.example/":       "/console",
		"https://evil.example/": "/console",
		"/\\evil.example":       "/console",
		"/logout":               "/console",
	} {
		b := f.browser(t)
		r := b.post("/login", url.Values{"email": {"admin@example.nhs.uk"}, "password": {"admin password 123"}, "next": {next}})
		if r.location != want {
			t.Errorf("next %q: redirected to %q, want %q", next, r.location, want)
		}
	}
	anon := f.browser(t)
	if r := anon.get("/console/groups/MC-01?x=1"); r.status != 303 || r.location != "/login?next=%2Fconsole%2Fgroups%2FMC-01%3Fx%3D1" {
		t.Errorf("anonymous page: %d %q, want a sign-in redirect that comes back", r.status, r.location)
	}
}

func TestLockoutBackOff(t *testing.T) {
	t.Parallel()
	th := accounts.NewThrottle(3, 400*time.Millisecond, 2*time.Second)
	f := newStaffFixture(t, fixtureOptions{throttle: th})
	b := f.browser(t)
	// Three failures are free; the fourth starts the waits.
	for i := 0; i < 4; i++ {
		if r := b.post("/login", url.Values{"email": {"evaluator@example.nhs.uk"}, "password": {"guess number " + string(rune('a'+i))}}); r.status != 401 {
			t.Fatalf("failure %d: status %d", i+1, r.status)
		}
	}
	// Now even the right password waits. An unknown email typed as often waits too (keyed by
	// what was typed, not by the account), so the wait reveals nothing about who has one.
	r := b.post("/login", url.Values{"email": {"evaluator@example.nhs.uk"}, "password": {"evaluator password 123"}})
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Too many attempts") {
		t.Fatalf("after 4 failures: status %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	time.Sleep(450 * time.Millisecond)
	if r := b.post("/login", url.Values{"email": {"evaluator@example.nhs.uk"}, "password": {"evaluator password 123"}}); r.status != 303 {
		t.Fatalf("after the wait: status %d", r.status)
	}
}

func TestLockoutOfUnknownEmail(t *testing.T) {
	t.Parallel()
	th := accounts.NewThrottle(3, time.Minute, time.Hour)
	f := newStaffFixture(t, fixtureOptions{throttle: th})
	b := f.browser(t)
	for i := 0; i < 4; i++ {
		if r := b.post("/login", url.Values{"email": {"ghost@example.nhs.uk"}, "password": {"x"}}); r.status != 401 {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	if r := b.post("/login", url.Values{"email": {"ghost@example.nhs.uk"}, "password": {"x"}}); r.status != 429 {
		t.Errorf("unknown email after 4 failures: %d, want 429 as for a real account", r.status)
	}
	if th.Wait("account:ghost@example.nhs.uk") == 0 {
		t.Error("failures for an unknown email are not throttled by email as an account's are")
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	b := f.browser(t)
	var last int
	for i := 0; i < 25; i++ {
		last = b.post("/login", url.Values{"email": {"x" + string(rune('a'+i)) + "@example.nhs.uk"}, "password": {"x"}}).status
	}
	if last != 429 {
		t.Errorf("the 25th sign-in from one address in a minute got %d, want 429", last)
	}
}

func TestLogoutAndExpiry(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{limits: accounts.SessionLimits{Idle: 300 * time.Millisecond, Absolute: time.Hour}})
	b := f.signIn(t, accounts.Admin)
	if r := b.get("/console"); r.status != 200 || !strings.Contains(r.body, "admin@example.nhs.uk") {
		t.Fatalf("signed in: %d", r.status)
	}
	stolen := b.jar[sessionCookie]
	if r := b.post("/logout", nil); r.status != 303 || r.location != "/login?signed_out=1" {
		t.Fatalf("logout: %d %q", r.status, r.location)
	}
	// The session ended on the server: a copy of the cookie no longer works.
	replay := f.browser(t)
	replay.jar[sessionCookie] = stolen
	if r := replay.get("/console"); r.status != 303 || !strings.HasPrefix(r.location, "/login") {
		t.Fatalf("old cookie after logout: %d %q", r.status, r.location)
	}
	idle := f.signIn(t, accounts.Admin)
	time.Sleep(350 * time.Millisecond)
	if r := idle.get("/console"); r.status != 303 || !strings.HasPrefix(r.location, "/login") {
		t.Fatalf("after the idle limit: %d %q", r.status, r.location)
	}
	if !slices.ContainsFunc(f.auditActions(t), func(s string) bool { return s == "admin@example.nhs.uk logout admin@example.nhs.uk" }) {
		t.Error("logout is not audited")
	}
}

func TestCSRFOnStaffForms(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	b := f.signIn(t, accounts.Admin)
	form := url.Values{"code": {"NEW-1"}, "name": {"New group"}, "modality": {"balint"}, "planned_sessions": {"10"}, "budget": {"900"}, "capacity": {"12"}}
	if r := b.postForm("/console/groups", form, false); r.status != 403 || !strings.Contains(r.body, "did not come from this site") {
		t.Fatalf("without a token: %d", r.status)
	}
	if _, err := f.db.GroupRecord(context.Background(), "NEW-1"); err == nil {
		t.Fatal("a form without a CSRF token created a group")
	}
	if r := b.post("/console/groups", form); r.status != 303 || r.location != "/console/groups/NEW-1" {
		t.Fatalf("with the token: %d %q %s", r.status, r.location, r.body)
	}
	if r := b.postForm("/logout", nil, false); r.status != 403 {
		t.Errorf("logout without a token: %d (another site could sign people out)", r.status)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	tokenOf := func(role string) (*browser, string) {
		b := f.signIn(t, role)
		r := b.post("/account/tokens", url.Values{"name": {"nightly script"}})
		m := regexp.MustCompile(`data-token>(ppt_[A-Za-z0-9_-]+)<`).FindStringSubmatch(r.body)
		if r.status != 201 || m == nil {
			t.Fatalf("create token as %s: %d %s", role, r.status, r.body)
		}
		if again := b.get("/account"); strings.Contains(again.body, m[1]) {
			t.Fatal("the token secret is shown again after it was created")
		}
		return b, m[1]
	}
	api := func(token, path string) int {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := f.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ev, evToken := tokenOf(accounts.Evaluator)
	if s := api(evToken, "/api/v1/impact"); s != 200 {
		t.Fatalf("evaluator token on the impact API: %d", s)
	}
	if s := api(evToken, "/console"); s != 403 {
		t.Errorf("evaluator token on the console: %d, want 403 (a token has its account's role)", s)
	}
	_, facToken := tokenOf(accounts.Facilitator)
	if s := api(facToken, "/api/v1/impact"); s != 403 {
		t.Errorf("facilitator token on the impact API: %d, want 403", s)
	}
	if s := api("ppt_made_up", "/api/v1/impact"); s != 401 {
		t.Errorf("made-up token: %d", s)
	}
	// Revoke it from the account page.
	id := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindStringSubmatch(ev.get("/account").body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	if r := ev.post("/account/tokens/"+id[1]+"/revoke", nil); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if s := api(evToken, "/api/v1/impact"); s != 401 {
		t.Errorf("revoked token: %d, want 401", s)
	}
	// A session cookie does not authenticate state-changing API calls (they have no CSRF check).
	req := httptest.NewRequest("POST", "/api/v1/accounts", strings.NewReader(`{"action":"list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: ev.jar[sessionCookie]})
	if resp, _ := f.app.Test(req, -1); resp.StatusCode != 401 {
		t.Errorf("cookie on a state-changing API route: %d, want 401", resp.StatusCode)
	}
	audit := strings.Join(f.auditActions(t), "\n")
	for _, want := range []string{"evaluator@example.nhs.uk token.create nightly script", "evaluator@example.nhs.uk token.revoke " + id[1],
		"evaluator@example.nhs.uk export.impact_json"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q", want)
		}
	}
}

func TestFunderThreshold(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	for role, want := range map[string]string{accounts.Funder: `"min_cell":10`, accounts.Evaluator: `"min_cell":5`} {
		b := f.signIn(t, role)
		req := httptest.NewRequest("GET", "/api/v1/impact", nil)
		r := b.do(req, false)
		if r.status != 200 || !strings.Contains(r.body, want) {
			t.Errorf("%s: %d, want %s in %.200s", role, r.status, want, r.body)
		}
	}
}
