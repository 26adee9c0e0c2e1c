package surveys_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/peerpulse/peerpulse/web/browsertest"
)

// TestBrowserJourney drives real Chromium at phone size through the attendee journey: a new
// attendee consents, reads the code off the page and answers pre by clicking labels; then
// on another device (a fresh cookie jar) the same person types the code, answers post and
// a session pulse. Every page visited must pass axe with no serious or critical
// violation; screenshots go to testout/TestBrowserJourney.
func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := f.serve(t)
	b := browsertest.Start(t)

	phone := &tab{t: t, ctx: b.Tab(t, 390, 844)}
	phone.open(base+"/s/"+f.invite, "01-landing")
	phone.press("Start") // without consent
	phone.settle("02-consent-error")
	phone.requireErrorFocus("consent")
	browsertest.ClickLabel(t, phone.ctx, "I agree to take part")
	phone.press("Start")
	phone.settle("03-your-code")
	code := strings.TrimSpace(browsertest.Text(t, phone.ctx, "#participant-code"))
	if len(code) != 7 || code[3] != '-' {
		t.Fatalf("the code on the page is %q, want like ACD-347", code)
	}
	phone.press("Continue")
	phone.settle("04-when")
	if tp := phone.eval(`document.querySelector("input[name=tp]:checked").value`); tp != "pre" {
		t.Errorf("a new attendee is offered %q, want pre", tp)
	}
	phone.press("Continue")
	phone.settle("05-page-1")

	// Continue with one question unanswered: the error summary takes the focus.
	phone.answerPage(3, "cbi_p3")
	phone.press("Continue")
	phone.settle("06-page-1-error")
	phone.requireErrorFocus("cbi_p3")
	phone.answerPage(3)
	phone.press("Continue")
	for page := 2; page <= 6; page++ {
		phone.settle(fmt.Sprintf("%02d-page-%d", page+5, page))
		if page == 3 {
			browsertest.ClickLabel(t, phone.ctx, "I don't work directly with patients")
		} else {
			phone.answerPage(2)
		}
		phone.press("Continue")
	}
	phone.settle("12-about-your-work")
	browsertest.ClickLabel(t, phone.ctx, "Nurse")
	browsertest.ClickLabel(t, phone.ctx, "Early career")
	phone.press("Submit answers")
	phone.settle("13-thanks")
	if !strings.Contains(browsertest.Text(t, phone.ctx, "main"), code) {
		t.Error("the thank-you page should remind the person of their code")
	}

	// Another device: no cookie, so the person types the code (in lower case).
	laptop := &tab{t: t, ctx: b.Tab(t, 390, 844)}
	laptop.open(base+"/s/"+f.invite, "21-landing")
	browsertest.Do(t, laptop.ctx, chromedp.Click(chromedp.CSS(`a[href$="/code"]`)))
	laptop.settle("22-enter-code")
	browsertest.FillLabel(t, laptop.ctx, "Thursday Balint group – Enter your code", strings.ToLower(code))
	laptop.press("Continue")
	laptop.settle("23-when")
	if tp := laptop.eval(`document.querySelector("input[name=tp]:checked").value`); tp != "post" {
		t.Errorf("after pre, the device is offered %q, want post", tp)
	}
	browsertest.ClickLabel(t, laptop.ctx, "When the group ends")
	laptop.press("Continue")
	for page := 1; page <= 6; page++ {
		laptop.settle(fmt.Sprintf("%02d-post-page-%d", page+23, page))
		laptop.answerPage(4)
		if page == 6 {
			laptop.press("Submit answers")
		} else {
			laptop.press("Continue")
		}
	}
	laptop.settle("30-post-thanks")

	laptop.open(base+"/p/"+f.pulse, "31-pulse")
	if laptop.eval(`String(document.querySelector(".nhsuk-character-count__status") !== null)`) != "true" {
		t.Error("the character count script did not start on the pulse page")
	}
	browsertest.Do(t, laptop.ctx, chromedp.Click(chromedp.CSS(`label[for="pulse_useful-5"]`)))
	browsertest.FillLabel(t, laptop.ctx, "Anything else you would like to tell the facilitators? (optional)", "Good to talk")
	laptop.press("Send feedback")
	laptop.settle("32-pulse-thanks")

	// The narrowest screen WCAG asks for, and the pages no journey above reached.
	narrow := &tab{t: t, ctx: b.Tab(t, 320, 640)}
	narrow.open(base+"/s/"+f.invite, "41-narrow-landing")
	browsertest.ClickLabel(t, narrow.ctx, "I agree to take part")
	narrow.press("Start")
	narrow.settle("42-narrow-your-code")
	narrow.press("Continue")
	narrow.settle("43-narrow-when")
	narrow.press("Continue")
	narrow.settle("44-narrow-page-1")
	narrow.open(base+"/s/"+f.invite+"/support", "45-narrow-support")
	narrow.openStatus(base+"/s/not-a-token", "46-narrow-not-found", 404)
	narrow.openStatus(base+"/s/"+f.closed, "47-narrow-closed", 410)

	rs := f.responses(t)
	if len(rs) != 3 {
		t.Fatalf("%d responses stored, want 3 (pre, post, session)", len(rs))
	}
	pre, post, pulse := rs[0], rs[1], rs[2]
	if pre.timepoint != "pre" || post.timepoint != "post" || pulse.timepoint != "session" ||
		pre.participantID != post.participantID || post.participantID != pulse.participantID ||
		strings.ReplaceAll(code, "-", "") != pre.code {
		t.Fatalf("responses are not one person's pre, post and pulse: %+v", rs)
	}
	if pre.profession != "nurse" || pre.careerStage != "early career" || pre.scores["cbi_patient"] != nil ||
		pre.scores["cbi_personal"] == nil || *pre.scores["cbi_personal"] != 50 {
		t.Errorf("pre stored %+v, personal %v", pre, pre.scores["cbi_personal"])
	}
	if len(post.answers) != 32 || post.scores["cbi_patient"] == nil || *post.scores["cbi_patient"] != 75 || post.scores["morale"] == nil {
		t.Errorf("post stored %+v", post)
	}
	if pulse.sessionNo != 1 || pulse.texts["pulse_comment"] != "Good to talk" || len(pulse.answers) != 1 {
		t.Errorf("pulse stored %+v", pulse)
	}
}

// tab is one browser tab of the journey with the steps it repeats.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// open loads a page, then checks and photographs it.
func (b *tab) open(url, shot string) { b.openStatus(url, shot, 200) }

func (b *tab) openStatus(url, shot string, status int) {
	b.t.Helper()
	if got := browsertest.Open(b.t, b.ctx, url); got != status {
		b.t.Fatalf("open %s: status %d, want %d", url, got, status)
	}
	b.check(shot)
}

// press clicks the button whose text is exactly text; settle waits for the next document.
func (b *tab) press(text string) { b.t.Helper(); browsertest.Press(b.t, b.ctx, text) }

// settle waits until the document the last press led to has loaded, then checks it.
func (b *tab) settle(shot string) {
	b.t.Helper()
	browsertest.Settle(b.t, b.ctx)
	b.check(shot)
}

// check runs axe on the page, checks that nothing sticks out sideways (WCAG 1.4.10
// reflow: no horizontal scrolling down to 320 CSS pixels) and saves a screenshot.
func (b *tab) check(shot string) {
	b.t.Helper()
	browsertest.RequireNoSeriousAxe(b.t, b.ctx, shot)
	if w := b.eval(`String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`); w != "0" {
		b.t.Errorf("%s is %s px wider than the screen", shot, w)
	}
	browsertest.Screenshot(b.t, b.ctx, shot)
}

func (b *tab) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return s
}

// answerPage clicks, for every radio question on the page except those left out, the label
// of the option with answer code code.
func (b *tab) answerPage(code int, leaveOut ...string) {
	b.t.Helper()
	var names []string
	raw := b.eval(`JSON.stringify([...new Set([...document.querySelectorAll("input[type=radio]")].map(i => i.name))])`)
	if err := json.Unmarshal([]byte(raw), &names); err != nil || len(names) == 0 {
		b.t.Fatalf("no questions on the page (%v)", err)
	}
	for _, name := range names {
		if !strings.Contains(" "+strings.Join(leaveOut, " ")+" ", " "+name+" ") {
			id := name
			if code > 1 {
				id = fmt.Sprintf("%s-%d", name, code)
			}
			browsertest.Do(b.t, b.ctx, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`)))
		}
	}
}

// requireErrorFocus checks that the error summary has the focus and links to field.
func (b *tab) requireErrorFocus(field string) {
	b.t.Helper()
	if got := b.eval(`document.activeElement.className`); !strings.Contains(got, "nhsuk-error-summary") {
		b.t.Errorf("focus is on %q, want the error summary", got)
	}
	if got := b.eval(`document.querySelector(".nhsuk-error-summary a").getAttribute("href")`); got != "#"+field {
		b.t.Errorf("the error summary links to %q, want #%s", got, field)
	}
}

// serve runs the fixture's app on a loopback port until the test ends.
func (f *fixture) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- f.app.Listener(ln) }()
	t.Cleanup(func() {
		if err := f.app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
