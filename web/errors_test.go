package web

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorResponses(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	tests := []struct {
		name, method, url, body string
		headers                 []string
		status                  int
		contentType             string
		contains, lacks         []string
	}{
		{"unknown page for a browser", "GET", "/nope", "", []string{"Accept", browser},
			404, "text/html; charset=utf-8", []string{"<h1>Page not found</h1>", "nhsuk-width-container"}, nil},
		{"unknown api path", "GET", "/api/nope", "", []string{"Accept", browser},
			404, MIMEProblemJSON, []string{`"status":404`, `"title":"Not Found"`, `"type":"about:blank"`}, nil},
		{"json client off the api", "GET", "/nope", "", []string{"Accept", "application/json, text/plain, */*"},
			404, MIMEProblemJSON, []string{`"status":404`}, nil},
		{"curl gets a page", "GET", "/nope", "", []string{"Accept", "*/*"},
			404, "text/html; charset=utf-8", []string{"Page not found"}, nil},
		{"field errors as json", "POST", "/api/answers", "{}", []string{"Content-Type", "application/json"},
			422, MIMEProblemJSON, []string{`"errors":[{"field":"score","message":"Enter a number from 0 to 4"}]`}, nil},
		{"field errors for a person", "POST", "/answers", "", []string{"Accept", browser},
			422, "text/html; charset=utf-8", []string{"There is a problem with your request", "Some answers need correcting.", `<a href="#score">Enter a number from 0 to 4</a>`}, nil},
		{"internal error for a person", "GET", "/boom", "", []string{"Accept", browser},
			500, "text/html; charset=utf-8", []string{"Sorry, there is a problem with the service"}, []string{"secret", "duckdb"}},
		{"internal error for a program", "GET", "/api/boom", "", nil,
			500, MIMEProblemJSON, []string{`"status":500`}, []string{"secret", "duckdb"}},
		{"panic", "GET", "/panic", "", []string{"Accept", browser},
			500, "text/html; charset=utf-8", []string{"Sorry, there is a problem with the service"}, []string{"secret"}},
		{"rate limited", "GET", "/busy", "", []string{"Accept", browser},
			429, "text/html; charset=utf-8", []string{"Too many requests, try again in a minute"}, nil},
		{"method not allowed", "DELETE", "/hello", "", []string{"Accept", browser},
			405, "text/html; charset=utf-8", []string{"There is a problem with your request"}, []string{"Cannot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, app, tt.method, tt.url, tt.body, tt.headers...)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", res.status, tt.status, res.body)
			}
			if got := res.header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := res.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			for _, s := range tt.contains {
				if !strings.Contains(res.body, s) {
					t.Errorf("body lacks %q:\n%s", s, res.body)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(res.body, s) {
					t.Errorf("body shows %q", s)
				}
			}
			if tt.contentType == MIMEProblemJSON {
				var p Problem
				if err := json.Unmarshal([]byte(res.body), &p); err != nil || p.Status != tt.status {
					t.Errorf("body is not a problem document for %d: %v", tt.status, err)
				}
			}
		})
	}
}

// TestBodyTooLarge needs a real listener: fasthttp rejects the body before Fiber runs,
// and app.Test reports that as an error instead of returning the response.
func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/echo", strings.NewReader(strings.Repeat("x", 5<<10)))
	req.Header.Set("Accept", browser)
	res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 413 || !strings.Contains(string(body), "too large") {
		t.Fatalf("status %d, body %s", res.StatusCode, body)
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("413 lacks security headers: %v", res.Header)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	if got := do(t, app, "GET", "/busy", "").header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}
}

func TestErrorLogging(t *testing.T) {
	t.Parallel()
	app, logs := newTestApp(t)
	do(t, app, "GET", "/boom?code=ABC123&answer=private", "", "User-Agent", "AttendeePhone/1.0", "X-Forwarded-For", "203.0.113.9")
	out := logs.String()
	for _, want := range []string{`"level":"ERROR"`, `"path":"/boom"`, `"status":500`, "secret internal detail", `"request_id":"`, `"route":"/boom"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, never := range []string{"ABC123", "private", "AttendeePhone", "203.0.113.9", "0.0.0.0", "127.0.0.1"} {
		if strings.Contains(out, never) {
			t.Errorf("log contains %q:\n%s", never, out)
		}
	}
}

func TestProblemFor(t *testing.T) {
	t.Parallel()
	shared := NewProblem(400, "shared")
	p := problemFor(shared)
	p.Detail = "changed"
	if shared.Detail != "shared" {
		t.Error("problemFor modified a shared *Problem")
	}
	if got := problemFor(&Problem{Status: 200}); got.Status != 500 || got.Title == "" || got.Type != "about:blank" {
		t.Errorf("non-error status kept: %+v", got)
	}
}
