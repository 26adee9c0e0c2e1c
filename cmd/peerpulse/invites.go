package main

import (
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys"
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

// invitesFromServer asks the running server for the links.
func invitesFromServer(ctx context.Context, cfg Config, base string, stdout io.Writer) error {
	return askServer(ctx, cfg, "/api/v1/invites", url.Values{"base_url": {base}}, 30*time.Second, func(body io.Reader) error {
		_, err := io.Copy(stdout, body)
		return err
	})
}
