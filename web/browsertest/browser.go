package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TabTimeout bounds everything done in one tab, so a page that never loads or a
// selector that never matches fails the test instead of hanging until go test's
// own timeout.
const TabTimeout = 60 * time.Second

// MobileMaxWidth is the widest viewport that Tab emulates as a phone (mobile layout
// with the page's meta viewport, touch input, portrait orientation). Wider tabs are
// desktop windows.
const MobileMaxWidth = 600

// Browser is one headless Chromium process for a test. The tabs made from it by Tab
// are isolated from each other: each has its own browser context, so tabs share no
// cookies, storage or cache. A Browser is safe for concurrent use by parallel subtests.
type Browser struct {
	ctx context.Context // the chromedp context that owns the browser process
}

// chromiumFlags are the only switches Chromium gets, besides chromedp's own pipe,
// user-data-dir and about:blank. The background-networking switches matter: without
// them Chromium tries to reach Google's servers, and the network here is closed.
var chromiumFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"no-first-run",
}

// Start launches headless Chromium for t and closes it when t ends. It skips the test
// when no chromium binary exists, unless CI is "true": there a missing browser is a
// failure, so a CI machine without one cannot pass by skipping every browser test.
// PEERPULSE_CHROMIUM overrides the binary; a wrong path there always fails.
// Chromium gets a fresh temporary profile, removed when it exits.
func Start(t testing.TB) *Browser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) && os.Getenv("PEERPULSE_CHROMIUM") == "" &&
			os.Getenv("CI") != "true" {
			t.Skipf("browsertest: skipped: %v (apt-get install chromium, or set PEERPULSE_CHROMIUM)", err)
		}
		t.Fatalf("browsertest: %v", err)
	}

	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel() // kills Chromium and waits for it and its profile folder to go
		cancelAlloc()
	})
	// The first Do starts the process; its context must live as long as the browser,
	// so no timeout here: a browser that dies while starting fails Do at once.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	return &Browser{ctx: ctx}
}

// chromiumPath returns $PEERPULSE_CHROMIUM if set, else chromium from PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("PEERPULSE_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("PEERPULSE_CHROMIUM=%s: %w", p, err)
		}
		return found, nil
	}
	found, err := exec.LookPath("chromium")
	if err != nil {
		return "", fmt.Errorf("no chromium browser: %w", err)
	}
	return found, nil
}

// Tab opens a new tab in a NEW browser context (fresh cookie jar — like a different
// device) with a width×height CSS-pixel viewport, and closes both when t ends.
// Viewports up to MobileMaxWidth wide emulate a phone (e.g. 390×844, mobile with
// touch); wider ones a desktop window. Everything done with the returned context
// must finish within TabTimeout of the tab's creation.
func (b *Browser) Tab(t testing.TB, width, height int) context.Context {
	t.Helper()
	// The timeout is the tab's parent, so when it fires chromedp closes the tab too.
	timeoutCtx, cancelTimeout := context.WithTimeout(b.ctx, TabTimeout)
	ctx, cancel := chromedp.NewContext(timeoutCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel() // closes the tab and disposes of its browser context
		cancelTimeout()
	})
	if err := chromedp.Do(ctx, viewport(width, height)); err != nil {
		t.Fatalf("browsertest: open a %dx%d tab: %v", width, height, err)
	}
	return ctx
}

// viewport emulates the screen: a phone for narrow sizes, a desktop window otherwise.
// The device scale factor stays 1 so screenshots stay small.
func viewport(width, height int) chromedp.Action[chromedp.Void] {
	w, h := int64(width), int64(height)
	if width > MobileMaxWidth {
		return chromedp.EmulateViewport(w, h)
	}
	orientation := chromedp.EmulatePortrait
	if width > height {
		orientation = chromedp.EmulateLandscape
	}
	return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateTouch, orientation)
}
