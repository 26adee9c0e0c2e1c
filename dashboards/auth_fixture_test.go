package dashboards

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// testCSRFKey signs the fixture's forms, so a test browser can post them as a real one would.
var testCSRFKey = []byte("dashboards test csrf key")

// fastParams keep sign-in tests quick; accounts tests check the production parameters.
var fastParams = accounts.Params{MemoryKiB: 1024, Time: 1, Threads: 1}

// staffFixture is a real DuckDB file with two groups (MC-01 with two sessions and three codes,
// MC-02), one account per role (the facilitator runs MC-01), and the real app.
type staffFixture struct {
	db    *ingest.DB
	app   *fiber.App
	store *accounts.Store
	// passwords by role; emails are <role>@example.nhs.uk
	passwords map[string]string
}

type fixtureOptions struct {
	throttle *accounts.Throttle
	limits   accounts.SessionLimits
}

func newStaffFixture(t *testing.T, o fixtureOptions) *staffFixture {
	t.Helper()
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "staff.duckdb"), ingest.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	if _, err := db.Load(ctx, set, &ingest.Batch{
		Groups: []ingest.Group{{Code: "MC-01", Name: "Monday Balint", Modality: "balint", FacilitatorMinutesBudget: 200},
			{Code: "MC-02", Name: "Tuesday reflective practice", Modality: "reflective_practice"}},
		Sessions: []ingest.Session{{GroupCode: "MC-01", No: 1, Date: day, FacilitatorMinutes: 90},
			{GroupCode: "MC-01", No: 2, Date: day.AddDate(0, 0, 14), FacilitatorMinutes: 90},
			{GroupCode: "MC-02", No: 1, Date: day, FacilitatorMinutes: 90}},
		Attendance: []ingest.Attendance{{GroupCode: "MC-01", SessionNo: 1, ParticipantCode: "AAA-111", Attended: true},
			{GroupCode: "MC-01", SessionNo: 1, ParticipantCode: "BBB-222", Attended: true},
			{GroupCode: "MC-01", SessionNo: 1, ParticipantCode: "CCC-333", Attended: false},
			{GroupCode: "MC-02", SessionNo: 1, ParticipantCode: "DDD-444", Attended: true}},
	}); err != nil {
		t.Fatal(err)
	}
	f := &staffFixture{db: db, store: accounts.NewStore(db.SQL(), fastParams), passwords: map[string]string{}}
	for _, role := range accounts.Roles {
		var groups []string
		if role == accounts.Facilitator {
			groups = []string{"MC-01"}
		}
		f.passwords[role] = role + " password 123"
		if _, err := f.store.Add(ctx, role+"@example.nhs.uk", role, groups, f.passwords[role]); err != nil {
			t.Fatal(err)
		}
	}
	f.app = web.NewApp(web.Options{CSRFKey: testCSRFKey})
	web.MountAssets(f.app)
	if err := Register(f.app, Deps{DB: db, Instruments: set, MinCell: 5, MinCellFunder: 10, Accounts: f.store,
		Throttle: o.throttle, SessionLimits: o.limits, CLISecret: []byte("0123456789abcdef0123456789abcdef")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// browser keeps cookies like a browser and sends each form's CSRF token.
type browser struct {
	t   *testing.T
	app *fiber.App
	mu  sync.Mutex
	jar map[string]string
	// header is added to every request, e.g. Authorization for a script.
	header http.Header
}

func (f *staffFixture) browser(t *testing.T) *browser {
	return &browser{t: t, app: f.app, jar: map[string]string{}, header: http.Header{}}
}

type reply struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (b *browser) get(path string) reply { return b.do(httptest.NewRequest("GET", path, nil), true) }

// post sends a form with the CSRF token a page from this site would carry.
func (b *browser) post(path string, form url.Values) reply { return b.postForm(path, form, true) }

func (b *browser) postForm(path string, form url.Values, withToken bool) reply {
	b.mu.Lock()
	if b.jar[web.CSRFCookie] == "" {
		b.jar[web.CSRFCookie] = "AAAAAAAAAAAAAAAAAAAAAA"
	}
	if withToken {
		form = cloneValues(form)
		form.Set(web.CSRFField, web.CSRFToken(testCSRFKey, b.jar[web.CSRFCookie]))
	}
	b.mu.Unlock()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req, true)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (b *browser) do(req *http.Request, html bool) reply {
	b.t.Helper()
	if html {
		req.Header.Set("Accept", "text/html")
	}
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	b.mu.Lock()
	for name, value := range b.jar {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	b.mu.Unlock()
	resp, err := b.app.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.mu.Lock()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
	b.mu.Unlock()
	return reply{status: resp.StatusCode, header: resp.Header, body: string(body), location: resp.Header.Get("Location")}
}

// signIn signs the browser in as role through the login form.
func (f *staffFixture) signIn(t *testing.T, role string) *browser {
	t.Helper()
	b := f.browser(t)
	r := b.post("/login", url.Values{"email": {role + "@example.nhs.uk"}, "password": {f.passwords[role]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d: %s", role, r.status, r.body)
	}
	return b
}

// auditActions returns the actions audited so far, oldest first, as "actor action target".
func (f *staffFixture) auditActions(t *testing.T) []string {
	t.Helper()
	recs, err := f.db.AuditLog(context.Background(), ingest.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, strings.TrimSpace(recs[i].Actor+" "+recs[i].Action+" "+recs[i].Target))
	}
	return out
}
