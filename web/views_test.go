package web

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestRenderLayoutAndEscaping(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	res := do(t, app, "GET", "/hello?say=%3Cscript%3Ealert(1)%3C/script%3E", "", "Accept", browser)
	if res.status != 200 {
		t.Fatalf("status = %d", res.status)
	}
	if got := res.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	for _, want := range []string{
		`<html lang="en-GB">`,
		`<title>Hello – peerpulse</title>`,
		`<meta name="viewport"`,
		`href="#maincontent"`,
		`class="nhsuk-width-container"`,
		`<main class="nhsuk-main-wrapper" id="maincontent">`,
		`<span class="nhsuk-header__service-name">peerpulse</span>`,
		`<span class="app-header__programme">Pilot</span>`,
		`<h1>Hello</h1>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		"Attendees are anonymous: we store no name, email or IP address",
		`href="` + AssetURL("vendor/nhsuk-frontend.min.css") + `"`,
		`href="` + AssetURL("app.css") + `"`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(res.body, "<script>alert(1)") {
		t.Error("Data was not escaped")
	}
	if strings.Contains(res.body, "echarts") {
		t.Error("a page without charts loads ECharts")
	}
}

func TestRenderPageBlocks(t *testing.T) {
	t.Parallel()
	v := newTestViews(t)
	var buf bytes.Buffer
	if err := v.execute(&buf, "chart", Page{Nonce: "abc"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), AssetURL("vendor/echarts.min.js")) {
		t.Error(`the page's "scripts" block is missing`)
	}
	if err := v.execute(&buf, "missing", Page{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("unknown page: err = %v", err)
	}
}

func TestNewViewsErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	tests := []struct{ dir, want string }{
		{"testdata/broken", "broken.html"},
		{"testdata/incomplete", "notitle.html"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			t.Parallel()
			_, err := NewViews(os.DirFS(tt.dir), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming %s", err, tt.want)
			}
		})
	}
}

// TestRenderConcurrently renders many pages at once; run with -race.
func TestRenderConcurrently(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	v := newTestViews(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 100 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			data := fmt.Sprintf("<b>%d</b>", i)
			if err := v.execute(&buf, "hello", Page{Title: "T", Data: data}); err != nil {
				errs <- err
				return
			}
			if !strings.Contains(buf.String(), fmt.Sprintf("&lt;b&gt;%d&lt;/b&gt;", i)) {
				errs <- fmt.Errorf("render %d lost its data", i)
			}
		}()
		go func() {
			defer wg.Done()
			res, err := send(app, "GET", fmt.Sprintf("/hello?say=n%d", i), "")
			if err != nil {
				errs <- err
				return
			}
			if res.status != 200 || !strings.Contains(res.body, fmt.Sprintf(">n%d<", i)) {
				errs <- fmt.Errorf("request %d: status %d", i, res.status)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
