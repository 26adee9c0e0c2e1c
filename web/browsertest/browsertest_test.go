package browsertest_test

import (
	"bytes"
	"errors"
	"image/png"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/web"
	"github.com/peerpulse/peerpulse/web/browsertest"
)

// serve runs the real web app with the testdata pages on a loopback port until t ends
// and returns its base URL.
func serve(t *testing.T) string {
	t.Helper()
	views, err := web.NewViews(os.DirFS("testdata/pages"), nil)
	if err != nil {
		t.Fatalf("NewViews: %v", err)
	}
	app := web.NewApp(web.Options{Views: views})
	web.MountAssets(app)
	page := func(name string) fiber.Handler {
		return func(c *fiber.Ctx) error { return views.Render(c, fiber.StatusOK, name, web.Page{}) }
	}
	done := func(c *fiber.Ctx, data string) error {
		return views.Render(c, fiber.StatusOK, "done", web.Page{Title: "Done", Data: data})
	}
	app.Get("/good", page("good"))
	app.Get("/broken", page("broken"))
	app.Post("/answer", func(c *fiber.Ctx) error {
		return done(c, "q1="+c.FormValue("q1")+" team="+c.FormValue("team"))
	})
	app.Get("/cookie/set", func(c *fiber.Ctx) error {
		c.Cookie(&fiber.Cookie{Name: "device", Value: c.Query("v"), HTTPOnly: true, SameSite: "Lax"})
		return done(c, "set")
	})
	app.Get("/cookie/show", func(c *fiber.Ctx) error {
		return done(c, "device="+c.Cookies("device"))
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// TestBrowser drives one Chromium through every helper, with parallel subtests
// sharing it as the tests of other packages will.
func TestBrowser(t *testing.T) {
	base := serve(t)
	b := browsertest.Start(t)

	t.Run("good page", func(t *testing.T) {
		t.Parallel()
		testGoodPage(t, b, base)
	})
	t.Run("broken page fails axe", func(t *testing.T) {
		t.Parallel()
		testBrokenPage(t, b, base)
	})
	t.Run("tabs have separate cookie jars", func(t *testing.T) {
		t.Parallel()
		testCookieJars(t, b, base)
	})
}

func testGoodPage(t *testing.T, b *browsertest.Browser, base string) {
	resp, err := http.Get(base + "/good")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'nonce-") {
		t.Fatalf("the page must carry the strict CSP for this test to mean anything; got %q", csp)
	}

	ctx := b.Tab(t, 390, 844)
	if status := browsertest.Open(t, ctx, base+"/good"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "Good – peerpulse" {
		t.Errorf("title %q, %v", title, err)
	}
	cspBroken, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.cspBroken === true`))
	if err != nil || cspBroken {
		t.Errorf("an inline script without the nonce ran (%v): CSP is not in force", err)
	}

	path := browsertest.Screenshot(t, ctx, "good page")
	checkPNG(t, path, 390, 844)

	// Injecting axe through DevTools works under the page's CSP.
	browsertest.RequireNoSeriousAxe(t, ctx, "good page")

	if !browsertest.CanvasHasInk(t, ctx, "#drawn") {
		t.Error("CanvasHasInk(#drawn) = false, want true")
	}
	if browsertest.CanvasHasInk(t, ctx, "canvas#blank") {
		t.Error("CanvasHasInk(canvas#blank) = true, want false")
	}

	browsertest.ClickLabel(t, ctx, "Disagree")
	browsertest.FillLabel(t, ctx, "Team name", "Ward 7")
	// Wait for the answer page before reading it: querying during the navigation fails.
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.ppOldPage = true`), chromedp.Click(chromedp.CSS("button[type=submit]")))
	browsertest.Settle(t, ctx)
	if got, want := browsertest.Text(t, ctx, "#result"), "q1=disagree team=Ward 7"; got != want {
		t.Errorf("after submitting: %q, want %q", got, want)
	}
}

// checkPNG checks that path is a PNG as wide as the viewport (scale 1) and taller than
// it (the whole page, not just what shows on screen).
func checkPNG(t *testing.T, path string, width, viewportHeight int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cfg.Width != width || cfg.Height <= viewportHeight {
		t.Errorf("%s is %dx%d, want %d wide and taller than the %d-pixel viewport",
			path, cfg.Width, cfg.Height, width, viewportHeight)
	}
}

// recorder stands in for t so a failing check can be observed without failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
	r.TB.Logf("(expected) "+format, args...)
}

func testBrokenPage(t *testing.T, b *browsertest.Browser, base string) {
	ctx := b.Tab(t, 1280, 800)
	browsertest.Open(t, ctx, base+"/broken")

	found := map[string]browsertest.Violation{}
	for _, v := range browsertest.Axe(t, ctx) {
		found[v.ID] = v
	}
	for id, target := range map[string]string{"image-alt": "img", "label": "#unlabelled"} {
		v, ok := found[id]
		if !ok {
			t.Errorf("axe did not report %s; it reported %v", id, found)
			continue
		}
		if !v.Serious() || v.Help == "" || !strings.HasPrefix(v.HelpURL, "https://") ||
			len(v.Targets) != 1 || v.Targets[0] != target {
			t.Errorf("%s: %+v, want a serious violation on %q with help", id, v, target)
		}
	}

	rec := &recorder{TB: t}
	browsertest.RequireNoSeriousAxe(rec, ctx, "broken page")
	if len(rec.errors) != 1 {
		t.Errorf("RequireNoSeriousAxe reported %d errors on the broken page, want 1", len(rec.errors))
	}
}

func testCookieJars(t *testing.T, b *browsertest.Browser, base string) {
	phone, laptop := b.Tab(t, 390, 844), b.Tab(t, 1280, 800)
	browsertest.Open(t, phone, base+"/cookie/set?v=phone")
	browsertest.Open(t, phone, base+"/cookie/show")
	browsertest.Open(t, laptop, base+"/cookie/show")
	if got := browsertest.Text(t, phone, "#result"); got != "device=phone" {
		t.Errorf("phone: %q, want its own cookie", got)
	}
	if got := browsertest.Text(t, laptop, "#result"); got != "device=" {
		t.Errorf("laptop: %q, want no cookie: tabs must not share a cookie jar", got)
	}
}

// TestStartWithoutChromium checks when a missing browser skips and when it fails.
func TestStartWithoutChromium(t *testing.T) {
	for _, tc := range []struct {
		name, ci, override string
		want               string
	}{
		{"local run skips", "", "", "skip"},
		{"CI fails", "true", "", "fatal"},
		{"a wrong override fails", "", "/nonexistent/chromium", "fatal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			t.Setenv("CI", tc.ci)
			t.Setenv("PEERPULSE_CHROMIUM", tc.override)
			if got := startOutcome(t); got != tc.want {
				t.Errorf("Start: %s, want %s", got, tc.want)
			}
		})
	}
}

// stopper records whether Start skipped or failed; both stop Start's goroutine, as
// the real methods do.
type stopper struct {
	testing.TB
	outcome string
}

func (s *stopper) Skipf(format string, args ...any)  { s.stop("skip", format, args) }
func (s *stopper) Fatalf(format string, args ...any) { s.stop("fatal", format, args) }

func (s *stopper) stop(outcome, format string, args []any) {
	s.outcome = outcome
	s.TB.Logf("(expected %s) "+format, append([]any{outcome}, args...)...)
	panic(errStopped)
}

var errStopped = errors.New("stopped")

func startOutcome(t *testing.T) (outcome string) {
	s := &stopper{TB: t, outcome: "started"}
	defer func() {
		if r := recover(); r != nil && r != errStopped {
			panic(r)
		}
		outcome = s.outcome
	}()
	browsertest.Start(s)
	return s.outcome
}
