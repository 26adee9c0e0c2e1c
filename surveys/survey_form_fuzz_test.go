package surveys

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// FuzzSurveyForm posts arbitrary form bodies to the questionnaire pages' parser
// (parseSurveyForm, the one every page POST goes through). For every input:
//
//   - it never panics;
//   - what it keeps is what the pages can ask: answers only to known items, each code within
//     its item's options; a page number within the timepoint's pages; a well-formed client id;
//     free text without CRLF and never blank; skips only of skippable scales;
//   - the form is carried faithfully: the hidden fields a page writes, posted again, parse
//     to the same form (how answers survive Back, reloads and restarts).
//
// Seeds are in testdata/fuzz/FuzzSurveyForm. Run with
// go test -run '^$' -fuzz FuzzSurveyForm ./surveys/
func FuzzSurveyForm(f *testing.F) {
	set, err := instrument.Load()
	if err != nil {
		f.Fatal(err)
	}
	h := &handler{plans: map[string][]surveyPage{}}
	for _, tp := range surveyTimepoints {
		pages := planPages(set.ForTimepoint(tp))
		if tp == "pre" {
			pages = append(pages, surveyPage{Heading: "About your work", About: true})
		}
		h.plans[tp] = pages
	}
	app := fiber.New()
	parse := func(body []byte) surveyForm {
		fctx := &fasthttp.RequestCtx{}
		fctx.Request.Header.SetMethod(fiber.MethodPost)
		fctx.Request.Header.SetContentType(fiber.MIMEApplicationForm)
		fctx.Request.SetBody(body)
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		return h.parseSurveyForm(c)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		form := parse(body)
		if !clientIDPattern.MatchString(form.ClientID) {
			t.Fatalf("client id %q kept", form.ClientID)
		}
		if form.Page < 0 || form.Page > len(h.plans[form.Timepoint]) {
			t.Fatalf("page %d of %d for timepoint %q", form.Page, len(h.plans[form.Timepoint]), form.Timepoint)
		}
		for id, code := range form.Answers {
			_, it, ok := set.Item(id)
			if !ok || code < 1 || code > it.Options.Len() {
				t.Fatalf("answer %s=%d kept", id, code)
			}
		}
		for id, v := range form.Texts {
			if strings.Contains(v, "\r\n") || strings.TrimSpace(v) == "" {
				t.Fatalf("text %s=%q kept", id, v)
			}
		}
		for id := range form.Skipped {
			if _, sc, ok := set.Scale(id); !ok || !sc.Skippable {
				t.Fatalf("skip of %s kept", id)
			}
		}
		// Carry the form as the pages do, and read it back.
		carried := url.Values{"tp": {form.Timepoint}, "client_id": {form.ClientID}, "page": {strconv.Itoa(form.Page)}}
		for _, hf := range form.hidden(nil) {
			carried.Add(hf.Name, hf.Value)
		}
		back := parse([]byte(carried.Encode()))
		form.Back = false
		if !reflect.DeepEqual(form, back) {
			t.Fatalf("carried form changed:\n%+v\n%+v", form, back)
		}
		if !slices.Equal(form.hidden(nil), back.hidden(nil)) {
			t.Fatal("hidden fields differ after a round trip")
		}
	})
}
