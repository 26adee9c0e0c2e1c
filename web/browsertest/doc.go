// Package browsertest drives Debian's real Chromium from the tests of other packages
// (surveys, dashboards): open pages of a running app, fill and submit forms as a person
// would, take full-page screenshots, and check accessibility with axe-core.
//
// It is imported only by _test.go files. axe.min.js (axe-core, MPL-2.0, vendored by
// web/assets/refresh.sh) is embedded here rather than in web/assets, so it never reaches
// the production binary.
//
// A test starts one browser and opens as many tabs as it needs; each tab has its own
// browser context (its own cookie jar), like a different device:
//
//	b := browsertest.Start(t) // skips without chromium, unless CI=true
//	ctx := b.Tab(t, 390, 844) // a phone-sized tab
//	browsertest.Open(t, ctx, srv.URL+"/s/demo")
//	browsertest.ClickLabel(t, ctx, "Strongly agree")
//	browsertest.Screenshot(t, ctx, "question-1")
//	browsertest.RequireNoSeriousAxe(t, ctx, "question 1")
//
// Starting Chromium costs about a second, so start one Browser per test function and
// reuse it in its subtests; tabs of one Browser may be used from parallel subtests.
// Helpers fail the test with t.Fatalf (RequireNoSeriousAxe with t.Errorf), so call
// them from the test's own goroutine.
//
// Environment: PEERPULSE_CHROMIUM names the browser binary (default: chromium on
// PATH); PEERPULSE_TEST_OUT replaces <repo root>/testout as the screenshot folder;
// CI=true turns a missing browser from a skip into a failure.
package browsertest
