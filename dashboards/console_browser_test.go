package dashboards

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web/browsertest"
)

// TestConsoleBrowser drives real Chromium: a facilitator signs in, records who came to a
// session by ticking codes, and prints the session's QR poster; a funder signs in and finds
// the console closed to them. axe checks every page; screenshots go to testout/.
func TestConsoleBrowser(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t, fixtureOptions{})
	base := f.serve(t)
	b := browsertest.Start(t)

	fac := b.Tab(t, 1200, 900)
	visit := func(ctx context.Context, url, shot string, status int) {
		t.Helper()
		if got := browsertest.Open(t, ctx, url); got != status {
			t.Fatalf("open %s: %d, want %d", url, got, status)
		}
		settled(t, ctx, shot)
	}
	signIn := func(ctx context.Context, role, shot string) {
		t.Helper()
		visit(ctx, base+"/login", shot+"-login", 200)
		browsertest.FillLabel(t, ctx, "Email address", role+"@example.nhs.uk")
		browsertest.FillLabel(t, ctx, "Password", f.passwords[role])
		browsertest.Press(t, ctx, "Sign in")
		browsertest.Settle(t, ctx)
		settled(t, ctx, shot+"-home")
	}
	signIn(fac, accounts.Facilitator, "01-facilitator")
	if !strings.Contains(browsertest.Text(t, fac, "#groups"), "MC-01") {
		t.Fatal("the facilitator's console does not list MC-01")
	}
	click(t, fac, `a[href="/console/groups/MC-01"]`, "02-group")
	click(t, fac, `a[href="/console/groups/MC-01/sessions/2/attendance"]`, "03-attendance")
	browsertest.ClickLabel(t, fac, "BBB-222")
	browsertest.ClickLabel(t, fac, "CCC-333")
	browsertest.Press(t, fac, "Save attendance")
	browsertest.Settle(t, fac)
	settled(t, fac, "04-group-after")
	att, err := f.db.SessionAttendance(context.Background(), "MC-01", 2)
	if err != nil || len(att) != 3 || att[0].Attended || !att[1].Attended || !att[2].Attended {
		t.Fatalf("stored attendance %+v %v, want BBB-222 and CCC-333", att, err)
	}
	if !strings.Contains(browsertest.Text(t, fac, "#sessions"), "2") {
		t.Error("the group page does not show the recorded attendance")
	}
	click(t, fac, `a[href="/console/groups/MC-01/sessions/1/qr"]`, "05-session-qr")
	complete, err := chromedp.Run(fac, chromedp.Evaluate[bool](`document.querySelector("img[data-qr]").complete && document.querySelector("img[data-qr]").naturalWidth >= 256`))
	if err != nil || !complete {
		t.Fatalf("the QR image did not load: %v", err)
	}
	pdf, err := chromedp.Run(fac, chromedp.PrintToPDF())
	if err != nil || len(pdf) < 10_000 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("printing the QR poster: %d bytes, %v", len(pdf), err)
	}
	if dir, err := os.MkdirTemp("", "pp-qr-"); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "qr.pdf"), pdf, 0o600)
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	if !strings.Contains(browsertest.Text(t, fac, "main"), "/p/") {
		t.Error("the poster does not show the link in words")
	}

	funder := b.Tab(t, 1200, 900)
	signIn(funder, accounts.Funder, "11-funder")
	visit(funder, base+"/console", "12-funder-console", 403)
	visit(funder, base+"/console/groups/MC-01", "13-funder-group", 403)
	if strings.Contains(browsertest.Text(t, funder, "nav, header"), "console") {
		t.Error("the funder's menu offers the console")
	}
}

// click follows a link and checks the page it leads to.
func click(t *testing.T, ctx context.Context, selector, shot string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.ppOldPage = true`), chromedp.Click(chromedp.CSS(selector)))
	browsertest.Settle(t, ctx)
	settled(t, ctx, shot)
}

// settled checks a loaded page: axe finds no serious violation; a screenshot is saved.
func settled(t *testing.T, ctx context.Context, shot string) {
	t.Helper()
	browsertest.RequireNoSeriousAxe(t, ctx, shot)
	browsertest.Screenshot(t, ctx, shot)
}

// serve runs the fixture's app on a loopback port until the test ends.
func (f *staffFixture) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.app.Listener(ln) }()
	t.Cleanup(func() { _ = f.app.Shutdown() })
	return "http://" + ln.Addr().String()
}
