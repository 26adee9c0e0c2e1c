package dashboards

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// TestHomeShowsLiveCounts loads the demo pilot, then checks the page against counts taken from
// the generated batch itself, not from the query the page uses.
func TestHomeShowsLiveCounts(t *testing.T) {
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "home.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app := web.NewApp(web.Options{})
	if err := Register(app, Deps{DB: db, Accounts: accounts.NewStore(db.SQL(), accounts.DefaultParams)}); err != nil {
		t.Fatal(err)
	}

	empty := page(t, app)
	if got := counts(empty); got["groups"] != "0" || !strings.Contains(empty, "Peer support programme") {
		t.Fatalf("empty programme: %v", got)
	}

	set, _ := instrument.Load()
	opts := demo.DefaultOptions(11)
	b, err := demo.Generate(set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Write(ctx, db, set, opts); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"groups":             fmt.Sprint(len(b.Groups)),
		"sessions-held":      fmt.Sprint(len(b.Sessions)),
		"attendees":          fmt.Sprint(attendees(b)),
		"responses-pre":      fmt.Sprint(byTimepoint(b, "pre")),
		"responses-post":     fmt.Sprint(byTimepoint(b, "post")),
		"responses-followup": fmt.Sprint(byTimepoint(b, "followup")),
	}
	body := page(t, app)
	got := counts(body)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %s", k, got[k], v)
		}
	}
	if want["groups"] != "50" || !strings.Contains(body, demo.ProgrammeName) {
		t.Errorf("the demo pilot should show 50 groups under its name")
	}

	// A configured name wins over the stored one.
	named := web.NewApp(web.Options{})
	Register(named, Deps{DB: db, Programme: "North <Pilot> & Co", Accounts: accounts.NewStore(db.SQL(), accounts.DefaultParams)})
	if body := page(t, named); !strings.Contains(body, "North &lt;Pilot&gt; &amp; Co") {
		t.Error("configured programme name not shown, or not escaped")
	}
}

func page(t *testing.T, app interface {
	Test(*http.Request, ...int) (*http.Response, error)
}) string {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /: %v %v", resp.StatusCode, err)
	}
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

var countRE = regexp.MustCompile(`data-count="([a-z-]+)">(\d+)<`)

func counts(body string) map[string]string {
	m := map[string]string{}
	for _, sm := range countRE.FindAllStringSubmatch(body, -1) {
		m[sm[1]] = sm[2]
	}
	return m
}

// attendees counts the people with a response or an attended session, as the page promises.
func attendees(b *ingest.Batch) int {
	seen := map[string]bool{}
	for _, r := range b.Responses {
		seen[r.GroupCode+"/"+r.ParticipantCode] = true
	}
	for _, a := range b.Attendance {
		if a.Attended {
			seen[a.GroupCode+"/"+a.ParticipantCode] = true
		}
	}
	return len(seen)
}

func byTimepoint(b *ingest.Batch, tp string) int {
	n := 0
	for _, r := range b.Responses {
		if r.Timepoint == tp {
			n++
		}
	}
	return n
}
