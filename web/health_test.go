package web

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthProbes(t *testing.T) {
	var dbErr error
	app := NewApp(Options{})
	MountHealth(app, func(context.Context) error { return dbErr })
	tests := []struct {
		name, path string
		dbErr      error
		status     int
		body       string
	}{
		{"alive", "/healthz", nil, 200, `"ok"`},
		{"alive even when the database is down", "/healthz", errors.New("down"), 200, `"ok"`},
		{"ready", "/readyz", nil, 200, `"ready"`},
		{"not ready", "/readyz", errors.New("database closed"), 503, "not answering"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dbErr = tc.dbErr
			resp, err := app.Test(httptest.NewRequest("GET", tc.path, nil))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
				t.Fatalf("%s: %d %s", tc.path, resp.StatusCode, body)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("probes must not be cached: %q", resp.Header.Get("Cache-Control"))
			}
			if tc.status == 503 && (resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != MIMEProblemJSON) {
				t.Fatalf("503 needs Retry-After and problem+json: %v", resp.Header)
			}
			if strings.Contains(string(body), "database closed") {
				t.Fatal("internal error text leaked")
			}
		})
	}
}
