package surveys_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// fixture is a real DuckDB file with one open group (OPEN-1, with session 1) and one closed
// group (SHUT-1), the real writer and service, and the real app with the attendee routes.
type fixture struct {
	db     *ingest.DB
	app    *fiber.App
	invite string // OPEN-1's invite token
	pulse  string // OPEN-1's session 1 pulse token
	closed string // SHUT-1's invite token
	writer *ingest.Writer
}

// newFixture builds the fixture with no rate limit.
func newFixture(t testing.TB) *fixture { return newLimitedFixture(t, 0) }

// newLimitedFixture builds the fixture with the given submission rate per minute.
func newLimitedFixture(t testing.TB, submitRate int) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "surveys.duckdb"), ingest.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Load(ctx, set, &ingest.Batch{
		Settings: map[string]string{ingest.SettingProgrammeName: "Test pilot"},
		Groups: []ingest.Group{
			{Code: "OPEN-1", Name: "Thursday Balint group", Modality: "balint"},
			{Code: "SHUT-1", Name: "Closed group", Modality: "coaching"},
		},
		Sessions: []ingest.Session{{GroupCode: "OPEN-1", No: 1, Date: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), Topic: "Getting started"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db}
	q := func(query string, dest ...any) {
		if err := db.SQL().QueryRow(query).Scan(dest...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q(`SELECT g.invite_token, s.pulse_token FROM groups g JOIN sessions s USING (group_id) WHERE g.group_code = 'OPEN-1'`, &f.invite, &f.pulse)
	q(`SELECT invite_token FROM groups WHERE group_code = 'SHUT-1'`, &f.closed)
	if _, err := db.SQL().Exec(`UPDATE groups SET closed_at = now() WHERE group_code = 'SHUT-1'`); err != nil {
		t.Fatal(err)
	}
	w, err := db.NewWriter(ctx, ingest.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() }) // runs before db.Close: cleanups run last-in first-out
	f.writer = w
	svc, err := surveys.NewService(ctx, db, set, w)
	if err != nil {
		t.Fatal(err)
	}
	f.app = web.NewApp(web.Options{Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError})),
		CSRFKey: testCSRFKey})
	web.MountAssets(f.app)
	if err := surveys.Register(f.app, surveys.Deps{Service: svc, SubmitRate: submitRate}); err != nil {
		t.Fatal(err)
	}
	return f
}

// testCSRFKey signs the CSRF tokens of the fixture's forms, so a test client can post them.
var testCSRFKey = []byte("surveys test csrf key")

// testLog shows the app's error log in the test's output: a 500 then says why.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is one device: it keeps cookies between requests, as a browser does.
type client struct {
	t   testing.TB
	app *fiber.App
	mu  sync.Mutex
	jar map[string]*http.Cookie
	// fatalf stops the client's journey: t.Fatalf on the test's goroutine; another
	// goroutine must give its own, because t.Fatalf may only be called from the test's.
	fatalf func(format string, args ...any)
}

func (f *fixture) client(t testing.TB) *client {
	return &client{t: t, app: f.app, jar: map[string]*http.Cookie{}, fatalf: t.Fatalf}
}

// response is what a test checks of one round trip.
type response struct {
	status   int
	header   http.Header
	cookies  []*http.Cookie
	body     string
	location string
}

func (c *client) get(path string) response { return c.do(httptest.NewRequest("GET", path, nil)) }

func (c *client) post(path string, form url.Values) response {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	req.Header.Set("Accept", "text/html")
	c.mu.Lock()
	if req.Method == "POST" {
		// As a browser that loaded our form: the binding cookie (given by any earlier page,
		// or made up here) and the form's token.
		if _, ok := c.jar[web.CSRFCookie]; !ok {
			c.jar[web.CSRFCookie] = &http.Cookie{Name: web.CSRFCookie, Value: "AAAAAAAAAAAAAAAAAAAAAA"}
		}
		req.Header.Set(web.CSRFHeader, web.CSRFToken(testCSRFKey, c.jar[web.CSRFCookie].Value))
	}
	for _, ck := range c.jar {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	c.mu.Unlock()
	resp, err := c.app.Test(req, -1)
	if err != nil {
		c.fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, cookies: resp.Cookies(), body: string(body),
		location: resp.Header.Get("Location")}
	c.mu.Lock()
	for _, ck := range r.cookies {
		if ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck
		}
	}
	c.mu.Unlock()
	return r
}

// cookie returns the value of a cookie the client holds.
func (c *client) cookie(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ck, ok := c.jar[name]; ok {
		return ck.Value
	}
	return ""
}
