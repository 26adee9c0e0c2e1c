package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
)

// runUser is `peerpulse user add|passwd|list|disable`. Passwords are never flags (they would
// sit in shell history and the process list): they come from standard input, one line, when
// it is not a terminal, so scripts can create accounts; otherwise they are asked for twice.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	var ch accounts.Change
	var groups string
	cfg.flags = func(fs *flag.FlagSet) {
		fs.StringVar(&ch.Email, "email", "", "the account's email address")
		fs.StringVar(&ch.Role, "role", "", "add: "+strings.Join(accounts.Roles, ", "))
		fs.StringVar(&groups, "groups", "", "add, facilitators only: their group codes, comma-separated, e.g. MC-01,MC-02")
	}
	// The action comes first (user add --email …); Go's flag package stops at the first
	// argument that is not a flag, so it is taken off before parsing.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		ch.Action, args = args[0], args[1:]
	}
	err := cfg.parse("user", "Manage staff accounts: user add|passwd|list|disable.\n"+
		"  peerpulse user add --email E --role R [--groups MC-01,MC-02]\n"+
		"  peerpulse user passwd --email E\n  peerpulse user list\n  peerpulse user disable --email E\n"+
		"Passwords (12 to 256 characters) are read from standard input, one line, when it is not a terminal.\n"+
		"While `peerpulse serve` holds the file, the change is made through that server.",
		args, os.Getenv, stdout, "db", "addr", "secret-key-file")
	if err != nil {
		return err
	}
	if !slices.Contains(accounts.Actions, ch.Action) {
		return fmt.Errorf("%w: say what to do first: %s (see peerpulse user --help)", errUsage, strings.Join(accounts.Actions, ", "))
	}
	if groups != "" {
		for _, g := range strings.Split(groups, ",") {
			ch.Groups = append(ch.Groups, strings.TrimSpace(g))
		}
	}
	if ch.Action != "list" && ch.Email == "" {
		return fmt.Errorf("%w: --email is required for %s", errUsage, ch.Action)
	}
	if ch.Action == "add" && ch.Role == "" {
		return fmt.Errorf("%w: --role is required for add: %s", errUsage, strings.Join(accounts.Roles, ", "))
	}
	if ch.NeedsPassword() {
		if ch.Password, err = readNewPassword(os.Stdin, stderr); err != nil {
			return err
		}
	}
	list, err := applyUserChange(ctx, cfg, ch)
	if err != nil {
		return err
	}
	return reportUserChange(stdout, ch, list)
}

// applyUserChange makes the change in the file, or through the server that holds it.
func applyUserChange(ctx context.Context, cfg Config, ch accounts.Change) ([]accounts.Account, error) {
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: ch.Action == "list"})
	if errors.Is(err, ingest.ErrLocked) {
		return userChangeOnServer(ctx, cfg, ch)
	}
	if err != nil {
		return nil, err
	}
	defer db.Close()
	list, err := accounts.NewStore(db.SQL(), accounts.DefaultParams).Apply(ctx, ch)
	if err != nil {
		return nil, err
	}
	if ch.Action != "list" {
		err = db.Audit(ctx, ingest.AuditEntry{Actor: "cli", Action: "user." + ch.Action, Target: ch.Email,
			Detail: map[string]any{"role": ch.Role, "groups": ch.Groups}})
	}
	return list, err
}

func userChangeOnServer(ctx context.Context, cfg Config, ch accounts.Change) ([]accounts.Account, error) {
	body, err := json.Marshal(ch)
	if err != nil {
		return nil, err
	}
	var list []accounts.Account
	err = sendServer(ctx, cfg, http.MethodPost, "/api/v1/accounts", bytes.NewReader(body), 30*time.Second, func(r io.Reader) error {
		return json.NewDecoder(r).Decode(&list)
	})
	return list, err
}

func reportUserChange(stdout io.Writer, ch accounts.Change, list []accounts.Account) error {
	switch ch.Action {
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tROLE\tGROUPS\tCREATED\tSTATUS")
		for _, a := range list {
			status := "active"
			if a.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Email, a.Role, strings.Join(a.Groups, ","), a.CreatedAt.Format(time.DateOnly), status)
		}
		return tw.Flush()
	case "add":
		_, err := fmt.Fprintf(stdout, "Added %s as %s.\n", list[0].Email, list[0].Role)
		return err
	case "passwd":
		_, err := fmt.Fprintf(stdout, "Changed the password of %s; its sessions have ended.\n", ch.Email)
		return err
	default:
		_, err := fmt.Fprintf(stdout, "Disabled %s: it can no longer sign in, and its sessions and API tokens have ended.\n", ch.Email)
		return err
	}
}

// readNewPassword reads one line from a pipe, or asks twice without echo at a terminal.
func readNewPassword(in *os.File, prompt io.Writer) (string, error) {
	if !term.IsTerminal(int(in.Fd())) {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("%w: give the password on standard input, one line", errUsage)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	ask := func(label string) (string, error) {
		fmt.Fprint(prompt, label)
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(prompt)
		return string(b), err
	}
	pw, err := ask("New password (12 characters or more): ")
	if err != nil {
		return "", err
	}
	again, err := ask("Type it again: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", fmt.Errorf("%w: the two passwords differ", errUsage)
	}
	return pw, nil
}
