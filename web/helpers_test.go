package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// safeBuffer lets the test read what concurrent requests logged.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestViews parses testdata/pages, as surveys and dashboards parse their own pages.
func newTestViews(t *testing.T) *Views {
	t.Helper()
	v, err := NewViews(os.DirFS("testdata/pages"), nil)
	if err != nil {
		t.Fatalf("NewViews: %v", err)
	}
	return v
}

// newTestApp is the real app with a few routes that exercise each kind of response.
func newTestApp(t *testing.T) (*fiber.App, *safeBuffer) {
	t.Helper()
	logs := &safeBuffer{}
	views := newTestViews(t)
	app := NewApp(Options{
		Logger:    slog.New(slog.NewJSONHandler(logs, nil)),
		Views:     views,
		BodyLimit: 4 << 10,
		CSRFKey:   testCSRFKey,
	})
	MountAssets(app)
	app.Get("/hello", func(c *fiber.Ctx) error {
		return views.Render(c, fiber.StatusOK, "hello", Page{Title: "Hello", Programme: "Pilot", Data: c.Query("say")})
	})
	fields := func(c *fiber.Ctx) error {
		return ValidationProblem(FieldError{Field: "score", Message: "Enter a number from 0 to 4"})
	}
	app.Post("/api/answers", fields)
	app.Post("/answers", fields)
	app.Get("/boom", func(c *fiber.Ctx) error { return errors.New("duckdb: secret internal detail") })
	app.Get("/api/boom", func(c *fiber.Ctx) error { return errors.New("duckdb: secret internal detail") })
	app.Get("/panic", func(c *fiber.Ctx) error { panic("secret panic detail") })
	app.Get("/busy", func(c *fiber.Ctx) error { return TooManyRequests(60) })
	app.Post("/echo", func(c *fiber.Ctx) error { return c.SendString("ok") })
	return app, logs
}

// testCSRFKey and testBinding make the CSRF token a test browser holds.
var (
	testCSRFKey = []byte("test csrf key")
	testBinding = "AAAAAAAAAAAAAAAAAAAAAA"
)

// response is what a test checks of one round trip.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends one request through the real app; headers alternate name, value.
func do(t *testing.T, app *fiber.App, method, target, body string, headers ...string) response {
	t.Helper()
	res, err := send(app, method, target, body, headers...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return res
}

// send is do for goroutines, which must not call t.Fatal.
func send(app *fiber.App, method, target, body string, headers ...string) (response, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if method != "GET" && method != "HEAD" {
		// A browser that loaded our form: it holds the binding cookie and sends the token.
		// Tests of the CSRF check itself override either through headers.
		req.AddCookie(&http.Cookie{Name: CSRFCookie, Value: testBinding})
		req.Header.Set(CSRFHeader, CSRFToken(testCSRFKey, testBinding))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}, nil
}

// browser is the Accept header a browser sends for a page.
const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
