package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys"
	"github.com/peerpulse/peerpulse/web"
)

func runInvites(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("invites", "Print one line per open group, group_code<TAB>invite URL, for a mail merge.\n"+
		"It reads the database read-only; while `peerpulse serve` holds the file, it asks that server\n"+
		"(at --addr, authenticated with the secret key file).",
		args, os.Getenv, stdout, "db", "base-url", "addr", "secret-key-file")
	if err != nil {
		return err
	}
	base := cfg.BaseURL
	if base == "" {
		base = "http://" + cfg.Addr
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: true})
	if errors.Is(err, ingest.ErrLocked) {
		return invitesFromServer(ctx, cfg, base, stdout)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	links, err := surveys.InviteLinks(ctx, db, base)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, surveys.FormatInviteLinks(links))
	return err
}

// invitesFromServer asks the running server for the links, because DuckDB lets no other
// process open a file that the server holds.
func invitesFromServer(ctx context.Context, cfg Config, base string, stdout io.Writer) error {
	key, err := readSecret(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	u := "http://" + cfg.Addr + "/api/v1/invites?base_url=" + url.QueryEscape(base)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+web.CLIToken(key))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s is held by another process, and no peerpulse server answers at %s (give its address with --addr): %w", cfg.DB, cfg.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("the server at %s refused: %s %s", cfg.Addr, resp.Status, body)
	}
	_, err = io.Copy(stdout, resp.Body)
	return err
}
