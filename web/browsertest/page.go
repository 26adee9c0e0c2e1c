package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Open loads url in the tab, waits for the page to load, and returns the HTTP status
// of the document. It fails the test when the page does not load at all; a 4xx or
// 5xx page is loaded, so check the status when it matters.
func Open(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("browsertest: open %s: %v", url, err)
	}
	return int(resp.Status)
}

// Do runs chromedp steps in the tab, failing the test on the first error. Use it for
// what the other helpers do not cover, e.g. Do(t, ctx, chromedp.Click(chromedp.CSS("button"))).
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
}

// Text returns the visible text (innerText) of the first element matching the CSS
// selector, waiting for it to appear (up to the tab's timeout).
func Text(t testing.TB, ctx context.Context, selector string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("browsertest: text of %q: %v", selector, err)
	}
	return s
}

// labelsJS lists the <label> elements whose visible text, with runs of white space
// collapsed and the ends trimmed, is exactly the given text.
const labelsJS = `[...document.querySelectorAll("label")].filter(l =>
	l.innerText.replace(/\s+/g, " ").trim() === %s)`

// findLabel checks that exactly one <label> has the visible text and returns a JS
// expression for it. Checking first makes a typo fail at once, not at the timeout.
func findLabel(t testing.TB, ctx context.Context, text string) string {
	t.Helper()
	arg, _ := json.Marshal(text)
	labels := fmt.Sprintf(labelsJS, arg)
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](labels+".length"))
	if err != nil {
		t.Fatalf("browsertest: label %q: %v", text, err)
	}
	if n != 1 {
		t.Fatalf("browsertest: label %q: want exactly 1 <label> with this text, found %d", text, n)
	}
	return labels + "[0]"
}

// ClickLabel clicks the one <label> whose visible text is exactly text (white space
// collapsed), as a person picks a radio button or checkbox by its words. It is a real
// mouse click at the label's centre, scrolled into view, so it lands where a person's
// would; a label that never becomes visible fails at the tab's timeout. It fails the
// test at once unless exactly one label matches.
func ClickLabel(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	label := findLabel(t, ctx, text)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(label))); err != nil {
		t.Fatalf("browsertest: click label %q: %v", text, err)
	}
}

// FillLabel types value into the form control labelled text (see ClickLabel for the
// matching), replacing what it held, with real key presses. The label must be tied
// to the control (for= or nesting), which is also what screen readers need.
func FillLabel(t testing.TB, ctx context.Context, text, value string) {
	t.Helper()
	control := findLabel(t, ctx, text) + ".control"
	// Empty the control in JS: chromedp v0.23.0's SetValue(sel, "") stores "undefined".
	cleared, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`(c => { if (!c) return false; c.value = ""; return true })(`+control+`)`))
	if err != nil || !cleared {
		t.Fatalf("browsertest: fill label %q: the label has no form control (err %v)", text, err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(control), value)); err != nil {
		t.Fatalf("browsertest: fill label %q: %v", text, err)
	}
}

// Press marks the current document as old, then clicks the button (or button-styled link)
// whose visible text is exactly text. Call Settle to wait for the page it leads to.
func Press(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	arg, _ := json.Marshal(text)
	Do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`window.ppOldPage = true`),
		chromedp.Click(chromedp.JSPath(fmt.Sprintf(
			`[...document.querySelectorAll("button, a.nhsuk-button")].find(e => e.innerText.trim() === %s)`, arg))))
}

// Settle waits until the document that the last Press (or a click marked the same way) led to
// has loaded. While the browser navigates, evaluating fails ("target navigated"): that is
// retried until the deadline.
func Settle(t testing.TB, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.ppOldPage && document.readyState === "complete"`))
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("browsertest: the next page did not load (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
