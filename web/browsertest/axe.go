package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's browser bundle (version in axe-VERSION.txt, licence in
// axe-core-LICENSE.txt), copied here by web/assets/refresh.sh.
//
//go:embed axe.min.js
var axeSource string

// AxeTags are the axe-core rule tags Axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and
// AA, the NHS service standard's target. (axe-core has no "wcag22a" tag: every
// WCAG 2.2 rule it implements is level AA.)
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Violation is one axe-core rule that the page fails, with the elements failing it.
type Violation struct {
	ID      string   `json:"id"`      // rule id, e.g. "image-alt"
	Impact  string   `json:"impact"`  // "minor", "moderate", "serious" or "critical"
	Help    string   `json:"help"`    // one-line description of the rule
	HelpURL string   `json:"helpUrl"` // Deque's page explaining the rule and its fixes
	Targets []string `json:"targets"` // a CSS selector per failing element
}

// Serious reports whether v blocks some users outright (impact serious or critical).
func (v Violation) Serious() bool {
	return v.Impact == "serious" || v.Impact == "critical"
}

// String formats v on one line for test output.
func (v Violation) String() string {
	return fmt.Sprintf("%s [%s] %s: %s (%s)", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "), v.HelpURL)
}

// axeRunJS runs the rules of AxeTags on the whole document and keeps what Violation
// holds. A target is an array of selectors (more than one inside iframes or shadow
// roots); it is joined into one string.
const axeRunJS = `axe.run(document, {
	runOnly: {type: "tag", values: %s},
	resultTypes: ["violations"]
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	targets: v.nodes.map(n => [].concat(n.target).flat(Infinity).join(" "))
})))`

// Axe injects the vendored axe.min.js (embedded in this package via go:embed) into the current page, runs axe with WCAG 2.0/2.1/2.2 A+AA tags, returns violations.
// The script goes in through the DevTools protocol (Runtime.evaluate), which the
// page's Content-Security-Policy does not govern, so pages keep their strict CSP.
// Call it once the page has settled (after Open, or after waiting for what a click
// changes).
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		t.Fatalf("browsertest: axe: %v", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			t.Fatalf("browsertest: inject axe: %v", err)
		}
	}
	tags := `["` + strings.Join(AxeTags, `","`) + `"]`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](fmt.Sprintf(axeRunJS, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: run axe: %v", err)
	}
	return vs
}

// RequireNoSeriousAxe runs Axe and fails the test (without stopping it) listing each
// serious or critical violation: rule id, impact, help text and target selectors.
// Minor and moderate violations are logged, to be fixed but not to block. page names
// the page in the messages, e.g. "survey question 1 (mobile)".
func RequireNoSeriousAxe(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	var serious []string
	for _, v := range Axe(t, ctx) {
		if v.Serious() {
			serious = append(serious, v.String())
		} else {
			t.Logf("browsertest: axe on %s (not blocking): %s", page, v)
		}
	}
	if len(serious) > 0 {
		t.Errorf("browsertest: axe found %d serious or critical accessibility violation(s) on %s:\n\t%s",
			len(serious), page, strings.Join(serious, "\n\t"))
	}
}
