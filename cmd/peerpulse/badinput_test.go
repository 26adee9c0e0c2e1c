package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// badRequest is one malformed or hostile request and the answer it must get.
type badRequest struct {
	name, method, path, contentType string
	body                            []byte
	auth                            bool // send the CLI token
	want                            int
	// problem: the answer must be application/problem+json (the API's error format).
	problem bool
}

// TestBadInput throws a battery of malformed and hostile requests at a running server: each
// must get its clear 4xx, the server must stay up, and the stored data must not change.
func TestBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	ctx := context.Background()
	bin := sharedBinary(t)
	db := filepath.Join(t.TempDir(), "bad.duckdb")
	if out, err := runBinary(bin, "demo", "--db", db, "--seed", "7"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	groups, _ := crashSetup(t, db)
	before, err := ingest.DigestFile(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, bin, db, "--submit-rate", "0")
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(db), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	token := web.CLIToken(key)

	// A valid pulse submission, and variants of it with one thing wrong each.
	rng := rand.New(rand.NewPCG(7, 7))
	var pulse *crashSub
	for pulse == nil || pulse.timepoint != "session" || len(pulse.texts) == 0 {
		pulse = newCrashSub(rng, set, groups, "bad-input-0001")
	}
	validBody := func() map[string]any {
		var m map[string]any
		json.Unmarshal(pulse.body(), &m)
		return m
	}
	variant := func(change func(m map[string]any)) []byte {
		m := validBody()
		change(m)
		b, _ := json.Marshal(m)
		return b
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(pulse.body(), []byte(old)) {
			t.Fatalf("the valid body has no %s", old)
		}
		return bytes.Replace(pulse.body(), []byte(old), []byte(new), 1)
	}
	const sqlMeta = `' OR '1'='1'; DROP TABLE responses; --`
	const script = `<script>alert(document.cookie)</script>`
	firstAnswer := func(m map[string]any) string {
		for k := range m["answers"].(map[string]any) {
			return k
		}
		return ""
	}
	api := "/api/v1/responses"
	js := "application/json"
	cases := []badRequest{
		{name: "truncated JSON", body: pulse.body()[:len(pulse.body())/2], want: 400},
		{name: "cut at the last brace", body: pulse.body()[:len(pulse.body())-1], want: 400},
		{name: "empty body", body: nil, want: 400},
		{name: "JSON array", body: []byte(`[1,2,3]`), want: 400},
		{name: "JSON null", body: []byte(`null`), want: 404},
		{name: "two objects", body: append(pulse.body(), pulse.body()...), want: 400},
		{name: "trailing garbage", body: append(pulse.body(), " trailing"...), want: 400},
		{name: "nesting 20000 deep", body: []byte(`{"answers":` + strings.Repeat("[", 20000)), want: 400},
		{name: "wrong type: invite token a number", body: variant(func(m map[string]any) { m["invite_token"] = 42 }), want: 400},
		{name: "wrong type: answers a list", body: variant(func(m map[string]any) { m["answers"] = []int{1, 2} }), want: 400},
		{name: "wrong type: answer a word", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[firstAnswer(m)] = "often" }), want: 400},
		{name: "wrong type: texts a number", body: variant(func(m map[string]any) { m["texts"] = 3 }), want: 400},
		{name: "wrong type: session_no a string", body: variant(func(m map[string]any) { m["session_no"] = "1" }), want: 400},
		{name: "huge number: session_no", body: replace(`"session_no":`, `"session_no":1`+strings.Repeat("0", 40)+`,"x_":`), want: 400},
		{name: "huge number: session_no 2^63", body: variant(func(m map[string]any) { m["session_no"] = json.Number("9223372036854775808") }), want: 400},
		{name: "huge number: answer 1e40", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[firstAnswer(m)] = json.Number("1e40") }), want: 400},
		{name: "huge number: answer 2^64", body: variant(func(m map[string]any) {
			m["answers"].(map[string]any)[firstAnswer(m)] = json.Number("18446744073709551616")
		}), want: 400},
		{name: "negative answer", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[firstAnswer(m)] = -1 }), want: 400},
		{name: "fractional answer", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[firstAnswer(m)] = 1.5 }), want: 400},
		{name: "answer out of range", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[firstAnswer(m)] = 9 }), want: 422},
		{name: "session 0", body: variant(func(m map[string]any) { m["session_no"] = 0 }), want: 422},
		{name: "session that does not exist", body: variant(func(m map[string]any) { m["session_no"] = 199 }), want: 422},
		{name: "unknown field", body: variant(func(m map[string]any) { m["is_admin"] = true }), want: 400},
		{name: "unknown field, differently cased", body: variant(func(m map[string]any) { m["Client_ID2"] = "x" }), want: 400},
		{name: "invalid UTF-8 in the comment", body: replace(`"texts":{"pulse_comment":"`, "\"texts\":{\"pulse_comment\":\"\xff\xfe\xfd "), want: 400},
		{name: "invalid UTF-8 in the code", body: replace(`"participant_code":"`, "\"participant_code\":\"\xc3\x28"), want: 400},
		{name: "NUL in the code", body: variant(func(m map[string]any) { m["participant_code"] = "ACD\x00347" }), want: 422},
		{name: "lone surrogate escape", body: replace(`"participant_code":"`, `"participant_code":"\ud800`), want: 422},
		{name: "SQL in invite token", body: variant(func(m map[string]any) { m["invite_token"] = sqlMeta }), want: 404},
		{name: "SQL in participant code", body: variant(func(m map[string]any) { m["participant_code"] = sqlMeta }), want: 422},
		{name: "SQL in client id", body: variant(func(m map[string]any) { m["client_id"] = sqlMeta }), want: 422},
		{name: "SQL in timepoint", body: variant(func(m map[string]any) { m["timepoint"] = sqlMeta }), want: 422},
		{name: "SQL in profession", body: variant(func(m map[string]any) { m["profession"] = sqlMeta }), want: 422},
		{name: "SQL in an item id", body: variant(func(m map[string]any) { m["answers"].(map[string]any)[sqlMeta] = 1 }), want: 422},
		{name: "SQL in a text field id", body: variant(func(m map[string]any) { m["texts"] = map[string]string{sqlMeta: "x"} }), want: 422},
		{name: "script in client id", body: variant(func(m map[string]any) { m["client_id"] = script }), want: 422},
		{name: "script in a comment too long", body: variant(func(m map[string]any) { m["texts"] = map[string]string{"pulse_comment": strings.Repeat(script, 40)} }), want: 422},
		{name: "script in a field not asked", body: variant(func(m map[string]any) { m["texts"] = map[string]string{"comment<script>": script} }), want: 422},
		{name: "path traversal in the invite token", body: variant(func(m map[string]any) { m["invite_token"] = "../../../../etc/passwd" }), want: 404},
		{name: "70 KB submission", body: variant(func(m map[string]any) { m["texts"] = map[string]string{"pulse_comment": strings.Repeat("x", 70<<10)} }), want: 413},
		{name: "10 MB body", body: bytes.Repeat([]byte("A"), 10<<20), want: 413, problem: false},
		{name: "text/plain", contentType: "text/plain", body: pulse.body(), want: 415},
		{name: "form post", contentType: "application/x-www-form-urlencoded", body: []byte("invite_token=x"), want: 415},
		{name: "no content type", contentType: "-", body: pulse.body(), want: 415},
		{name: "DELETE", method: "DELETE", body: nil, want: 405, problem: false},
	}
	for i := range cases {
		c := &cases[i]
		if c.method == "" {
			c.method, c.path = "POST", api
			if c.contentType == "" {
				c.contentType = js
			}
			c.problem = c.problem || (c.want != 405 && c.name != "10 MB body")
		}
		if c.path == "" {
			c.path = api
		}
	}

	// Staff API filters: metacharacters in every parameter, without and with the token.
	for _, p := range []string{"/api/v1/impact", "/api/v1/backup", "/api/v1/invites"} {
		cases = append(cases, badRequest{name: "no token " + p, method: "GET", path: p, want: 401, problem: true},
			badRequest{name: "SQL as token " + p, method: "GET", path: p + "?token=" + url.QueryEscape(sqlMeta), want: 401, problem: true})
	}
	for _, param := range []string{"comparison", "min_cell"} {
		cases = append(cases, badRequest{name: "SQL in " + param, method: "GET", auth: true, want: 400, problem: true,
			path: "/api/v1/impact?" + url.Values{param: {sqlMeta}}.Encode()})
	}
	cases = append(cases, badRequest{name: "huge min_cell", method: "GET", auth: true, want: 400, problem: true,
		path: "/api/v1/impact?min_cell=" + strings.Repeat("9", 40)})

	// Path traversal towards the files beside the database and the system's.
	for _, p := range []string{"/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
		"/assets/..%252f..%252fetc%252fpasswd", "/assets/%2e%2e%2fsecret.key", "/assets/vendor/../../../secret.key",
		"/assets/....//....//etc/passwd", "/assets/..\\..\\secret.key", "/assets/%00", "/assets/" + url.PathEscape(filepath.Dir(db)+"/secret.key"),
		"/s/..%2f..%2fetc%2fpasswd", "/p/%2e%2e%2f%2e%2e%2fsecret.key", "/s/" + url.PathEscape(sqlMeta), "/s/" + url.PathEscape(script)} {
		cases = append(cases, badRequest{name: "traversal " + p, method: "GET", path: p, want: 404})
	}
	// Hostile form posts to the attendee pages: without the form's CSRF token they go no further.
	invite := groups[0].invite
	cases = append(cases,
		badRequest{name: "10 MB form", method: "POST", path: "/s/" + invite + "/survey", contentType: "application/x-www-form-urlencoded", body: bytes.Repeat([]byte("a=b&"), 10<<18), want: 413},
		badRequest{name: "survey post to an unknown invite", method: "POST", path: "/s/" + url.PathEscape(sqlMeta) + "/survey", contentType: "application/x-www-form-urlencoded", body: []byte("tp=pre&cbi_p1=1"), want: 403},
		badRequest{name: "code post to an unknown invite", method: "POST", path: "/s/nope/code", contentType: "application/x-www-form-urlencoded", body: []byte("code=" + url.QueryEscape(script)), want: 403},
	)

	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	secretMarkers := []string{"root:x:0:0", strings.TrimSpace(string(raw)), "[Content_Types]", "module github.com"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, header, body := send(t, client, srv.base, c, token)
			if status != c.want {
				t.Errorf("%s %.80s: status %d, want %d\n%.300s", c.method, c.path, status, c.want, body)
			}
			if ct := header.Get("Content-Type"); c.problem && !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q, want application/problem+json\n%.300s", ct, body)
			}
			if c.problem {
				var p struct {
					Status int    `json:"status"`
					Detail string `json:"detail"`
				}
				if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != c.want || p.Detail == "" {
					t.Errorf("not a clear problem (%v): %.300s", err, body)
				}
			}
			for _, m := range secretMarkers {
				if strings.Contains(body, m) {
					t.Errorf("the answer holds %q", m)
				}
			}
			// Nothing sent comes back as live markup.
			if strings.Contains(body, "<script>alert") {
				t.Errorf("the answer reflects a script tag: %.300s", body)
			}
			if code, _ := get(t, srv.base+"/healthz"); code != http.StatusOK {
				t.Fatalf("the server is down after %q: %d\n%s", c.name, code, srv.stderr.String())
			}
		})
	}

	// Metacharacters in the filters are only data: the filters are closed lists (regions: those
	// of the groups), so a hostile value is refused like any unknown one, naming the field.
	for _, param := range []string{"modality", "region", "profession", "comparison"} {
		for _, v := range []string{sqlMeta, "no-such-value"} {
			status, _, body := send(t, client, srv.base, badRequest{method: "GET", auth: true, path: "/api/v1/impact?" + url.Values{param: {v}}.Encode()}, token)
			if status != http.StatusBadRequest || !strings.Contains(body, `"field":"`+param+`"`) {
				t.Errorf("%s=%q: %d %.300s, want 400 naming the field", param, v, status, body)
			}
		}
	}
	// Controls: the same requests done right succeed, so the refusals above were for the
	// reasons given. (The valid submission is sent after the data check.)
	home, _ := get(t, srv.base+"/")
	_, page := get(t, srv.base+"/")
	asset := regexp.MustCompile(`/assets/[^"?]+\.css`).FindString(page)
	if code, _ := get(t, srv.base+asset); home != 200 || asset == "" || code != 200 {
		t.Errorf("control: home %d, asset %q %d", home, asset, code)
	}
	if status, _, body := send(t, client, srv.base, badRequest{method: "GET", auth: true, path: "/api/v1/impact?comparison=pre-post&min_cell=7"}, token); status != 200 {
		t.Errorf("control: impact with the token: %d %.200s", status, body)
	}
	if code, _ := get(t, srv.base+"/readyz"); code != http.StatusOK {
		t.Fatalf("not ready after the battery: %d", code)
	}
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.exited; err != nil {
		t.Fatalf("serve did not stop cleanly: %v\n%s", err, srv.stderr.String())
	}
	// The stored data is unchanged: every table but the audit log, which records the start.
	after, err := ingest.DigestFile(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	delete(before, "audit_log")
	delete(after, "audit_log")
	if d := before.Diff(after); d != "" {
		t.Fatalf("the battery changed stored data: %s", d)
	}
	// Control: a valid submission is stored, and the digest sees it.
	srv = startServer(t, bin, db, "--submit-rate", "0")
	if status, id, err := post(client, srv.base, pulse.body()); err != nil || status != http.StatusCreated {
		t.Fatalf("control: the valid submission: %d %s %v", status, id, err)
	}
	srv.kill(t)
	changed, err := ingest.DigestFile(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	delete(changed, "audit_log")
	if before.Diff(changed) == "" {
		t.Fatal("the digest did not see a stored submission: the data check above proves nothing")
	}
}

func send(t *testing.T, client *http.Client, base string, c badRequest, token string) (int, http.Header, string) {
	t.Helper()
	if len(c.body) > 1<<20 {
		return sendLarge(t, base, c)
	}
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = "//" + req.URL.Host + strings.SplitN(c.path, "?", 2)[0] // send the path as written
	switch c.contentType {
	case "", "-":
	default:
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, string(body)
}

func runBinary(bin string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// runExit runs bin like runBinary and returns its exit code instead of the error, for tests
// that check the code; a binary that could not be run at all fails the test.
func runExit(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	out, err := runBinary(bin, args...)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out, code
}

// sendLarge sends a body larger than the server takes over a raw connection, reading the
// answer while the body is still being written: the server answers as soon as it sees the
// length, and closes the connection, which makes a normal client fail on its write instead of
// showing the answer.
func sendLarge(t *testing.T, base string, c badRequest) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nAccept: application/json\r\n\r\n",
		c.method, c.path, strings.TrimPrefix(base, "http://"), c.contentType, len(c.body))
	go conn.Write(c.body) // fails once the server has answered and closed: expected
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: no answer: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, string(body)
}
