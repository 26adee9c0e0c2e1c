package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo/demotest"
	"github.com/peerpulse/peerpulse/web"
)

// TestRouteWalk enumerates every route of the whole service and checks its access decision:
// a route without one fails the test; anonymous requests to staff routes are refused; each role
// is refused (403) everywhere outside its permissions and let in where it has them; the CLI
// token opens only routes that allow it; and facilitators cannot reach another group.
func TestRouteWalk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, set := demotest.Pilot(t, 3)
	groups, err := db.GroupRecords(ctx, nil)
	if err != nil || len(groups) < 2 {
		t.Fatalf("demo groups: %v", err)
	}
	own, other := groups[0].Code, groups[1].Code
	writer, err := db.NewWriter(ctx, ingest.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { writer.Close() })
	store := accounts.NewStore(db.SQL(), accounts.Params{MemoryKiB: 1024, Time: 1, Threads: 1})
	secret := []byte("0123456789abcdef0123456789abcdef")
	cfg := defaultConfig()
	cfg.DB = db.Path()
	app, err := buildApp(ctx, cfg, slog.New(slog.DiscardHandler), db, writer, set, store, secret)
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]string{}
	for _, role := range accounts.Roles {
		var gs []string
		if role == accounts.Facilitator {
			gs = []string{own}
		}
		a, err := store.Add(ctx, role+"@example.nhs.uk", role, gs, "a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		if sessions[role], err = store.StartSession(ctx, a.ID, accounts.DefaultSessionLimits); err != nil {
			t.Fatal(err)
		}
	}

	routes := app.GetRoutes(true)
	walked := 0
	for _, r := range routes {
		if r.Method == fiber.MethodHead {
			continue
		}
		public, roles, cli, ok := web.ParseAccess(r.Name)
		if !ok {
			t.Errorf("%s %s has no access decision: register it with a web.Access* name (dashboards: h.staff)", r.Method, r.Path)
			continue
		}
		if public {
			continue
		}
		walked++
		path := fill(r.Path, own)
		call := func(who string) int { return request(t, app, r.Method, path, who, sessions, secret) }
		if s := call("anonymous"); s != http.StatusUnauthorized && s != http.StatusSeeOther {
			t.Errorf("anonymous %s %s: %d, want 401 or a sign-in redirect", r.Method, path, s)
		}
		if s := call("cli"); cli != (s != http.StatusUnauthorized && s != http.StatusForbidden) {
			t.Errorf("CLI token on %s %s (cli allowed: %v): %d", r.Method, path, cli, s)
		}
		for _, role := range accounts.Roles {
			s := call(role)
			allowed := slices.Contains(roles, role)
			if !allowed && s != http.StatusForbidden && !(len(roles) == 0 && s == http.StatusUnauthorized) {
				t.Errorf("%s on %s %s: %d, want 403", role, r.Method, path, s)
			}
			if allowed && (s == http.StatusUnauthorized || s == http.StatusForbidden) {
				t.Errorf("%s on %s %s: %d, but the route allows %v", role, r.Method, path, s, roles)
			}
			if allowed && role == accounts.Facilitator && strings.Contains(r.Path, ":group") {
				if s := request(t, app, r.Method, fill(r.Path, other), role, sessions, secret); s != http.StatusForbidden {
					t.Errorf("facilitator of %s on %s: %d, want 403", own, fill(r.Path, other), s)
				}
			}
		}
	}
	if walked < 20 {
		t.Errorf("walked only %d staff and CLI routes of %d", walked, len(routes))
	}
}

// fill gives a route's parameters values that exist: the group, session 1, token 1, pre.
func fill(path, group string) string {
	r := strings.NewReplacer(":group", group, ":no", "1", ":id", "1", ":timepoint", "pre", ":kind", "funder")
	return r.Replace(path)
}

// request sends one request as who: "anonymous", "cli" (the CLI token) or a role (its session
// cookie); form posts carry a valid CSRF token, so that only access decides the answer.
func request(t *testing.T, app *fiber.App, method, path, who string, sessions map[string]string, secret []byte) int {
	t.Helper()
	var body io.Reader
	if method != fiber.MethodGet {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Accept", "text/html")
	if method != fiber.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: web.CSRFCookie, Value: "AAAAAAAAAAAAAAAAAAAAAA"})
		req.Header.Set(web.CSRFHeader, web.CSRFToken(secret, "AAAAAAAAAAAAAAAAAAAAAA"))
	}
	switch who {
	case "anonymous":
	case "cli":
		req.Header.Set("Authorization", "Bearer "+web.CLIToken(secret))
	default:
		req.AddCookie(&http.Cookie{Name: "pp_session", Value: sessions[who]})
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, who, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
