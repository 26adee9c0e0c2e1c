package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// binary is the peerpulse binary, so the tests exercise the real process: flags, signals, exit
// codes and the file left on disk. It is sharedBinary: linking the cgo binary once per run,
// not once per test, saves the tests most of their build time.
func binary(t *testing.T) string {
	t.Helper()
	return sharedBinary(t)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeDemoAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "pilot.duckdb")
	out, err := exec.Command(bin, "demo", "--db", db, "--seed", "3").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "50 groups") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	// Settings are checked, stored and audited.
	if out, err := exec.Command(bin, "settings", "--db", db, "tariff_per_facilitator_hour", "cheap").CombinedOutput(); err == nil {
		t.Fatalf("a bad tariff must be refused: %s", out)
	}
	if out, err := exec.Command(bin, "settings", "--db", db, "rci.cbi_work.reliability", "0.87").CombinedOutput(); err != nil {
		t.Fatalf("settings set: %v %s", err, out)
	}
	if out, _ := exec.Command(bin, "settings", "--db", db).Output(); !bytes.Contains(out, []byte("rci.cbi_work.reliability\t0.87")) || !bytes.Contains(out, []byte("tariff_per_facilitator_hour\t90")) {
		t.Fatalf("settings list:\n%s", out)
	}
	// Without a server, invites reads the file itself.
	offline, err := exec.Command(bin, "invites", "--db", db, "--base-url", "https://survey.example.nhs.uk/").Output()
	if lines := strings.Split(strings.TrimSpace(string(offline)), "\n"); err != nil || len(lines) != 50 ||
		!regexp.MustCompile(`^ALS-01\thttps://survey\.example\.nhs\.uk/s/[A-Za-z0-9_-]{22}$`).MatchString(lines[0]) {
		t.Fatalf("invites from the file: %v\n%s", err, offline)
	}
	analysed, err := exec.Command(bin, "analyse", "--db", db).Output()
	if err != nil || !bytes.Contains(analysed, []byte(`"scope": "overall"`)) || !bytes.Contains(analysed, []byte(`"pooled"`)) {
		t.Fatalf("analyse from the file: %v\n%.300s", err, analysed)
	}
	table, err := exec.Command(bin, "analyse", "--db", db, "--format", "table", "--min-cell", "10").Output()
	if err != nil || !bytes.Contains(table, []byte("fewer than 10")) || !bytes.Contains(table, []byte("cbi_work")) {
		t.Fatalf("analyse as a table: %v\n%.300s", err, table)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			addr := freeAddr(t)
			var stdout, stderr syncBuffer // written by the process while the test reads them
			cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--demo-accounts")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			base := "http://" + addr
			deadline := time.Now().Add(30 * time.Second)
			for {
				if code, _ := get(t, base+"/readyz"); code == http.StatusOK {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("not ready after 30s\n%s", stderr.String())
				}
				time.Sleep(100 * time.Millisecond)
			}
			if code, body := get(t, base+"/"); code != http.StatusOK || !strings.Contains(body, `data-count="groups">50<`) {
				t.Fatalf("home page: %d\n%s", code, body)
			}
			signInWithDemoLogin(t, base, stdout.String())
			// While the server holds the file, a second writer is refused with one clear line.
			out, err := exec.Command(bin, "demo", "--db", db).CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 ||
				strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "--db") {
				t.Fatalf("second writer: %v\n%s", err, out)
			}
			// While it does, invites asks the server, with the same answer.
			online, err := exec.Command(bin, "invites", "--db", db, "--addr", addr, "--base-url", "https://survey.example.nhs.uk").Output()
			if err != nil || string(online) != string(offline) {
				t.Fatalf("invites through the server: %v\n%s", err, online)
			}
			online, err = exec.Command(bin, "analyse", "--db", db, "--addr", addr).Output()
			// The same document as from the file, but for the time it was made (and float sums that
			// DuckDB may add in another order).
			stamp := regexp.MustCompile(`"generated_at": "[^"]*"`)
			if err != nil || !sameJSON(stamp.ReplaceAll(online, []byte(`"generated_at": ""`)), stamp.ReplaceAll(analysed, []byte(`"generated_at": ""`))) {
				t.Fatalf("analyse through the server: %v\n%.300s", err, online)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve exited with %v\n%s", err, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("serve did not stop within 20s of %v", sig)
			}
			if !strings.Contains(stderr.String(), "database closed") || !strings.Contains(stdout.String(), base) {
				t.Fatalf("expected the URL on stdout and a clean close in the log:\n%s\n%s", stdout.String(), stderr.String())
			}
			// A checkpointed close leaves no write-ahead log to replay.
			if _, err := os.Stat(db + ".wal"); !os.IsNotExist(err) {
				t.Fatalf("WAL left after shutdown: %v", err)
			}
			reopened, err := ingest.Open(context.Background(), db, ingest.Options{})
			if err != nil {
				t.Fatalf("reopen after shutdown: %v", err)
			}
			s, err := reopened.Summary(context.Background())
			var starts int
			reopened.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'service.start'`).Scan(&starts)
			reopened.Close()
			if err != nil || s.Groups != 50 || starts < 1 {
				t.Fatalf("after reopen: %+v, %d audited starts, %v", s, starts, err)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{}, 2, "Commands:", ""},
		{[]string{"--help"}, 0, "serve", ""},
		{[]string{"serve", "--help"}, 0, "PEERPULSE_MIN_CELL", ""},
		{[]string{"demo", "--help"}, 0, "--seed", ""},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--min-cell", "2"}, 2, "", "min-cell 2 is below the floor of 3"},
		{[]string{"serve", "--addr", "nonsense"}, 2, "", `addr "nonsense" is not host:port`},
		{[]string{"serve", "--no-such-flag"}, 2, "", "flag provided but not defined"},
		{[]string{"demo", "extra"}, 2, "", `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
		})
	}
}

func TestConfigPrecedence(t *testing.T) {
	env := map[string]string{"PEERPULSE_ADDR": "127.0.0.1:9999", "PEERPULSE_MIN_CELL": "7", "PEERPULSE_PROGRAMME": "From env"}
	getenv := func(k string) string { return env[k] }
	cfg := defaultConfig()
	err := cfg.parse("serve", "", []string{"--addr", "127.0.0.1:7000", "--db", "x/y.duckdb"}, getenv, io.Discard,
		"addr", "db", "programme", "min-cell", "secret-key-file")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s|%d|%s|%s", "127.0.0.1:7000", 7, "From env", filepath.Join("x", "secret.key"))
	if got := fmt.Sprintf("%s|%d|%s|%s", cfg.Addr, cfg.MinCell, cfg.Programme, cfg.SecretKeyFile); got != want {
		t.Fatalf("flag > env > default: got %s, want %s", got, want)
	}
	env["PEERPULSE_MIN_CELL"] = "many"
	cfg = defaultConfig()
	err = cfg.parse("serve", "", nil, getenv, io.Discard, "min-cell")
	if err == nil || !strings.Contains(err.Error(), "$PEERPULSE_MIN_CELL") {
		t.Fatalf("a bad environment value must name its variable: %v", err)
	}
}

func TestSecretKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "secret.key")
	first, err := loadOrCreateSecret(path)
	if err != nil || len(first) != secretBytes {
		t.Fatalf("create: %v (%d bytes)", err, len(first))
	}
	again, err := loadOrCreateSecret(path)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("reload gave another key: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := loadOrCreateSecret(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key must be refused: %v", err)
	}
	os.WriteFile(path, []byte("abcd\n"), 0o600)
	if _, err := loadOrCreateSecret(path); err == nil {
		t.Fatal("a short key must be refused")
	}
}

// sameJSON compares two documents, numbers to 1e-12 relative.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	var same func(x, y any) bool
	same = func(x, y any) bool {
		switch xv := x.(type) {
		case map[string]any:
			yv, ok := y.(map[string]any)
			if !ok || len(xv) != len(yv) {
				return false
			}
			for k := range xv {
				if !same(xv[k], yv[k]) {
					return false
				}
			}
			return true
		case []any:
			yv, ok := y.([]any)
			if !ok || len(xv) != len(yv) {
				return false
			}
			for i := range xv {
				if !same(xv[i], yv[i]) {
					return false
				}
			}
			return true
		case float64:
			yv, ok := y.(float64)
			return ok && math.Abs(xv-yv) <= 1e-12*math.Max(1, math.Abs(yv))
		}
		return fmt.Sprint(x) == fmt.Sprint(y)
	}
	return same(x, y)
}

// signInWithDemoLogin reads the admin's demo login from serve's output and signs in with it
// through the real form, as a newcomer after make run would.
func signInWithDemoLogin(t *testing.T, base, output string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+admin\s+(admin@demo\.peerpulse\.invalid)\s+(\S+)$`).FindStringSubmatch(output)
	if m == nil || strings.Count(output, "@demo.peerpulse.invalid") != 4 {
		t.Fatalf("serve --demo-accounts printed no login per role:\n%s", output)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if token == nil {
		t.Fatal("the sign-in form has no CSRF token")
	}
	resp, err = client.PostForm(base+"/login", url.Values{"_csrf": {string(token[1])}, "email": {m[1]}, "password": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console" || !strings.Contains(string(body), m[1]) {
		t.Fatalf("sign in with the printed demo login: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}
