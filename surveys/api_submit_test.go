package surveys

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// apiFixture is a database with one open and one closed group, a real writer and the app.
type apiFixture struct {
	db     *ingest.DB
	app    *fiber.App
	token  string
	closed string
}

func newAPIFixture(t *testing.T, submitRate int, writer func(*ingest.Writer) Writer) *apiFixture {
	t.Helper()
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "api.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Load(ctx, set, &ingest.Batch{
		Groups:   []ingest.Group{{Code: "BAL-01", Name: "Balint, Leeds", Modality: "balint"}, {Code: "RP-09", Name: "Closed group", Modality: "reflective_practice"}},
		Sessions: []ingest.Session{{GroupCode: "BAL-01", No: 1, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE groups SET closed_at = now()::TIMESTAMP WHERE group_code = 'RP-09'`); err != nil {
		t.Fatal(err)
	}
	w, err := db.NewWriter(ctx, ingest.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	var sw Writer = w
	if writer != nil {
		sw = writer(w)
	}
	svc, err := NewService(ctx, db, set, sw)
	if err != nil {
		t.Fatal(err)
	}
	app := web.NewApp(web.Options{})
	if err := Register(app, Deps{Service: svc, SubmitRate: submitRate}); err != nil {
		t.Fatal(err)
	}
	f := &apiFixture{db: db, app: app}
	db.SQL().QueryRow(`SELECT invite_token FROM groups WHERE group_code = 'BAL-01'`).Scan(&f.token)
	db.SQL().QueryRow(`SELECT invite_token FROM groups WHERE group_code = 'RP-09'`).Scan(&f.closed)
	return f
}

func (f *apiFixture) post(t *testing.T, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/responses", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("body is not JSON: %s", raw)
	}
	return resp.StatusCode, resp.Header, out
}

func (f *apiFixture) rows(t *testing.T) int {
	t.Helper()
	var n int
	f.db.SQL().QueryRow(`SELECT (SELECT count(*) FROM responses) + (SELECT count(*) FROM answers) + (SELECT count(*) FROM scale_scores)`).Scan(&n)
	return n
}

func submission(token, client string, answers string) string {
	return fmt.Sprintf(`{"invite_token":%q,"participant_code":"acd-347","timepoint":"pre","client_id":%q,"answers":%s}`, token, client, answers)
}

const fixtureAnswers = `{"cbi_p1":4,"cbi_p2":3,"cbi_p3":4,"cbi_p4":2,"cbi_p5":4,"cbi_w1":4,"cbi_w2":3,"cbi_w3":4,"cbi_w4":4,"cbi_w5":3,"cbi_w6":2,"cbi_w7":2}`

func TestAPISubmitCreatedThenIdempotent(t *testing.T) {
	f := newAPIFixture(t, 0, nil)
	body := submission(f.token, "client-0001", fixtureAnswers)
	status, _, out := f.post(t, "application/json", body)
	if status != 201 {
		t.Fatalf("status %d: %v", status, out)
	}
	scores := map[string]any{}
	for _, s := range out["scores"].([]any) {
		m := s.(map[string]any)
		scores[m["scale"].(string)] = m["score"]
	}
	// INSTRUMENTS.md §2 fixtures: personal 60, work 425/7; patient unanswered → null.
	if scores["cbi_personal"] != 60.0 || scores["cbi_work"] != 425.0/7 || scores["cbi_patient"] != nil || out["participant_code"] != "ACD347" {
		t.Fatalf("result %v", out)
	}
	before := f.rows(t)
	status, _, again := f.post(t, "application/json; charset=utf-8", body)
	if status != 200 || again["response_id"] != out["response_id"] || f.rows(t) != before {
		t.Fatalf("retry: %d %v (rows %d → %d)", status, again, before, f.rows(t))
	}
}

func TestAPISubmitErrors(t *testing.T) {
	f := newAPIFixture(t, 0, nil)
	long := strings.Repeat("x", 1001)
	tests := []struct {
		name, contentType, body string
		status                  int
		field                   string // a field the problem must name
	}{
		{"malformed JSON", "application/json", `{"invite_token": `, 400, ""},
		{"not an object", "application/json", `[1,2]`, 400, ""},
		{"trailing data", "application/json", submission(f.token, "client-0002", fixtureAnswers) + `{}`, 400, ""},
		{"wrong type", "application/json", submission(f.token, "client-0003", `{"cbi_p1":"often"}`), 400, "answers.cbi_p1"},
		{"huge number", "application/json", submission(f.token, "client-0004", `{"cbi_p1":1e40}`), 400, "answers.cbi_p1"},
		{"unknown field", "application/json", `{"invite_token":"x","email":"a@b.c"}`, 400, "email"},
		{"unknown invite", "application/json", submission("nope", "client-0005", fixtureAnswers), 404, "invite_token"},
		{"closed group", "application/json", submission(f.closed, "client-0006", fixtureAnswers), 410, ""},
		{"too large", "application/json", submission(f.token, "client-0007", `{"cbi_p1":1}`+strings.Repeat(" ", 70<<10)), 413, ""},
		{"wrong media type", "text/plain", submission(f.token, "client-0008", fixtureAnswers), 415, ""},
		{"no media type", "", submission(f.token, "client-0009", fixtureAnswers), 415, ""},
		{"code out of range", "application/json", submission(f.token, "client-0010", `{"cbi_p1":6}`), 422, "answers.cbi_p1"},
		{"item not asked at pre", "application/json", submission(f.token, "client-0011", `{"pulse_open":3}`), 422, "answers.pulse_open"},
		{"no answers", "application/json", submission(f.token, "client-0012", `{}`), 422, "answers"},
		{"bad code", "application/json", strings.Replace(submission(f.token, "client-0013", fixtureAnswers), "acd-347", "O0O", 1), 422, "participant_code"},
		{"bad timepoint", "application/json", strings.Replace(submission(f.token, "client-0014", fixtureAnswers), `"pre"`, `"during"`, 1), 422, "timepoint"},
		{"missing client id", "application/json", submission(f.token, "", fixtureAnswers), 422, "client_id"},
		{"session without number", "application/json", strings.Replace(submission(f.token, "client-0015", `{"pulse_open":3}`), `"pre"`, `"session"`, 1), 422, "session_no"},
		{"unknown session", "application/json", strings.Replace(submission(f.token, "client-0016", `{"pulse_open":3}`), `"timepoint":"pre"`, `"timepoint":"session","session_no":7`, 1), 422, "session_no"},
		{"comment too long", "application/json", strings.Replace(submission(f.token, "client-0017", `{"pulse_open":3}`), `"timepoint":"pre"`, `"timepoint":"session","session_no":1,"texts":{"pulse_comment":"`+long+`"}`, 1), 422, "texts.pulse_comment"},
	}
	before := f.rows(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, header, out := f.post(t, tc.contentType, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, out)
			}
			if ct := header.Get("Content-Type"); ct != web.MIMEProblemJSON {
				t.Fatalf("content type %q", ct)
			}
			if out["status"] != float64(tc.status) || out["title"] == "" {
				t.Fatalf("not a problem document: %v", out)
			}
			if tc.field != "" && !strings.Contains(fmt.Sprint(out["errors"]), "field:"+tc.field+" ") {
				t.Fatalf("problem does not name %s: %v", tc.field, out["errors"])
			}
		})
	}
	if after := f.rows(t); after != before {
		t.Fatalf("rejected submissions wrote rows: %d → %d", before, after)
	}
	// The pulse with a valid session is accepted, so the failures above were about their faults.
	ok := strings.Replace(submission(f.token, "client-0018", `{"pulse_open":3}`), `"timepoint":"pre"`, `"timepoint":"session","session_no":1,"texts":{"pulse_comment":"=HYPERLINK(1)"}`, 1)
	if status, _, out := f.post(t, "application/json", ok); status != 201 {
		t.Fatalf("valid pulse: %d %v", status, out)
	}
}

func TestAPIRateLimitAndFullQueue(t *testing.T) {
	f := newAPIFixture(t, 3, nil)
	for i := range 3 {
		if status, _, out := f.post(t, "application/json", submission(f.token, fmt.Sprintf("client-r%03d", i), fixtureAnswers)); status != 201 {
			t.Fatalf("within the limit: %d %v", status, out)
		}
	}
	status, header, _ := f.post(t, "application/json", submission(f.token, "client-r999", fixtureAnswers))
	if status != 429 || header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %v", status, header)
	}

	full := newAPIFixture(t, 0, func(*ingest.Writer) Writer { return fullWriter{} })
	status, header, out := full.post(t, "application/json", submission(full.token, "client-q001", fixtureAnswers))
	if status != 503 || header.Get("Retry-After") == "" {
		t.Fatalf("full queue: %d %v %v", status, header, out)
	}
}

// fullWriter behaves like a writer whose queue is always full.
type fullWriter struct{}

func (fullWriter) Submit(context.Context, ingest.Scored) (ingest.Stored, error) {
	return ingest.Stored{}, ingest.ErrQueueFull
}
func (fullWriter) RegisterParticipant(context.Context, string, string) error {
	return ingest.ErrQueueFull
}

// TestAPIConcurrentSubmissionsKeepTheirOwnAnswers guards against Fiber's reuse of request
// memory: every stored row must hold exactly what its own client sent.
func TestAPIConcurrentSubmissionsKeepTheirOwnAnswers(t *testing.T) {
	f := newAPIFixture(t, 0, nil)
	ln := listen(t, f.app)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := string(CodeAlphabet[i%len(CodeAlphabet)]) + "CD347"
			body := fmt.Sprintf(`{"invite_token":%q,"participant_code":%q,"timepoint":"pre","client_id":"conc-%04d","answers":{"cbi_p1":%d,"cbi_p2":%d,"nss_leave1":%d},"profession":%q}`,
				f.token, code, i, 1+i%5, 1+(i/5)%5, 1+(i/25)%5, Professions[i%len(Professions)])
			resp, err := http.Post("http://"+ln+"/api/v1/responses", "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				t.Errorf("client %d: %d", i, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	var stored, wrong int
	f.db.SQL().QueryRow(`SELECT count(*) FROM responses WHERE client_id LIKE 'conc-%'`).Scan(&stored)
	f.db.SQL().QueryRow(`WITH r AS (SELECT response_key, CAST(split_part(client_id, '-', 2) AS INTEGER) AS i, code, profession
			FROM responses JOIN participants USING (participant_id) WHERE client_id LIKE 'conc-%')
		SELECT count(*) FROM r WHERE
			(SELECT code FROM answers a WHERE a.response_key = r.response_key AND item_id = 'cbi_p1') <> 1 + i % 5
			OR (SELECT code FROM answers a WHERE a.response_key = r.response_key AND item_id = 'cbi_p2') <> 1 + (i // 5) % 5
			OR (SELECT code FROM answers a WHERE a.response_key = r.response_key AND item_id = 'nss_leave1') <> 1 + (i // 25) % 5
			OR r.code <> substr(?, i % 22 + 1, 1) || 'CD347'
			OR r.profession <> list_extract(?::VARCHAR[], i % 7 + 1)`, CodeAlphabet, Professions).Scan(&wrong)
	if stored != n || wrong != 0 {
		t.Fatalf("stored %d of %d; %d rows differ from what their client sent", stored, n, wrong)
	}
}
