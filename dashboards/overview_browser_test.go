package dashboards

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/web/browsertest"
)

// TestDashboardsBrowser drives real Chromium over the demo pilot: an evaluator signs in, lands
// on the overview, sees every chart drawn and every data table present, applies a filter and
// finds it in the URL and on the page, and opens a group page; a funder signs in and finds no
// group pages. axe checks every page; screenshots go to testout/.
func TestDashboardsBrowser(t *testing.T) {
	t.Parallel()
	f := newDashFixture(t)
	base := f.serve(t)
	b := browsertest.Start(t)

	ev := b.Tab(t, 1280, 1000)
	dashSignIn(t, f, ev, base, accounts.Evaluator)
	if got := dashLocation(t, ev); got.Path != "/dashboards" {
		t.Fatalf("the evaluator landed on %s, want /dashboards", got)
	}
	dashPage(t, ev, "01-evaluator-overview", 10)

	browsertest.Do(t, ev, chromedp.SetValue(chromedp.CSS("#filter-modality"), "balint"))
	browsertest.Press(t, ev, "Apply filters")
	browsertest.Settle(t, ev)
	if got := dashLocation(t, ev); got.Query().Get("modality") != "balint" {
		t.Fatalf("the filter is not in the URL: %s", got)
	}
	if text := browsertest.Text(t, ev, "#filters-applied"); !strings.Contains(text, "modality balint") {
		t.Fatalf("the page does not say which filter applies: %q", text)
	}
	dashPage(t, ev, "02-evaluator-overview-balint", 10)

	if got := browsertest.Open(t, ev, base+"/dashboards/groups/"+f.firstGroup); got != 200 {
		t.Fatalf("group page: status %d", got)
	}
	dashPage(t, ev, "03-evaluator-group", 2)

	if got := browsertest.Open(t, ev, base+"/dashboards/quality"); got != 200 {
		t.Fatalf("data quality page: status %d", got)
	}
	dashPage(t, ev, "04-evaluator-quality", 4)

	fu := b.Tab(t, 1280, 1000)
	dashSignIn(t, f, fu, base, accounts.Funder)
	dashPage(t, fu, "11-funder-overview", 9)
	links, err := chromedp.Run(fu, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="/dashboards/groups/"]').length`))
	if err != nil || links != 0 {
		t.Fatalf("the funder's overview links to %d group pages (%v)", links, err)
	}
	if got := browsertest.Open(t, fu, base+"/dashboards/groups/"+f.firstGroup); got != 403 {
		t.Fatalf("a funder opened a group page: status %d", got)
	}
	browsertest.Screenshot(t, fu, "12-funder-group-refused")
}

func dashSignIn(t *testing.T, f *dashFixture, ctx context.Context, base, role string) {
	t.Helper()
	if got := browsertest.Open(t, ctx, base+"/login"); got != 200 {
		t.Fatalf("login page: status %d", got)
	}
	browsertest.FillLabel(t, ctx, "Email address", role+"@example.nhs.uk")
	browsertest.FillLabel(t, ctx, "Password", f.passwords[role])
	browsertest.Press(t, ctx, "Sign in")
	browsertest.Settle(t, ctx)
}

func dashLocation(t *testing.T, ctx context.Context) *url.URL {
	t.Helper()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// dashPage checks a dashboard page: at least minCharts charts, each drawn (its canvas has
// ink) with its data table; nothing fetched from another origin; no serious axe violation; a
// screenshot.
func dashPage(t *testing.T, ctx context.Context, shot string, minCharts int) {
	t.Helper()
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-chart]")].map(e => e.id)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < minCharts {
		t.Errorf("%s: %d charts, want at least %d", shot, len(ids), minCharts)
	}
	for _, id := range ids {
		deadline := time.Now().Add(10 * time.Second)
		for !browsertest.CanvasHasInk(t, ctx, "#"+id) {
			if time.Now().After(deadline) {
				t.Errorf("%s: chart %s is blank", shot, id)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		tables, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table[data-table="`+id+`"] tbody tr').length`))
		if err != nil || tables == 0 {
			t.Errorf("%s: chart %s has no data table rows (%v)", shot, id, err)
		}
	}
	// The CSP refuses style attributes in markup and setAttribute("style"); ECharts styles
	// through the CSSOM, which is allowed. A refused style leaves an attribute with no declared
	// property: look for any, after showing a tooltip.
	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		const c = document.querySelector("[data-chart] canvas");
		if (c) {
			const r = c.getBoundingClientRect();
			c.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true}));
		}
		return [...document.querySelectorAll("[style]")].filter(e => e.getAttribute("style").trim() !== "" && e.style.length === 0).length;
	})()`))
	if err != nil || blocked > 0 {
		t.Errorf("%s: %d elements whose style the CSP refused (%v)", shot, blocked, err)
	}
	foreign, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType("resource").map(e => e.name).filter(n => !n.startsWith(location.origin) && !n.startsWith("data:"))`))
	if err != nil || len(foreign) > 0 {
		t.Errorf("%s: requests to other origins: %v (%v)", shot, foreign, err)
	}
	browsertest.RequireNoSeriousAxe(t, ctx, shot)
	browsertest.Screenshot(t, ctx, shot)
}
