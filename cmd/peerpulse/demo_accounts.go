package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
)

// demoEmail is the demo account of a role.
func demoEmail(role string) string { return role + "@demo.peerpulse.invalid" }

// printDemoAccounts makes (or resets) one account per role with a new password and prints the
// logins once: `make run` is for trying the service, and a newcomer needs a way in. The
// facilitator runs the first two groups. Passwords change at every start, so a demo login seen
// on a screen does not stay valid.
func printDemoAccounts(ctx context.Context, db *ingest.DB, store *accounts.Store, out io.Writer) error {
	groups, err := db.GroupRecords(ctx, nil)
	if err != nil {
		return err
	}
	var facGroups []string
	for _, g := range groups[:min(2, len(groups))] {
		facGroups = append(facGroups, g.Code)
	}
	fmt.Fprintln(out, "Demo sign-in at /login (new passwords at every start; for trying the service only):")
	for _, role := range accounts.Roles {
		email, pw := demoEmail(role), demoPassword()
		var gs []string
		if role == accounts.Facilitator {
			gs = facGroups
		}
		if _, err := store.Add(ctx, email, role, gs, pw); errors.Is(err, accounts.ErrExists) {
			err = store.SetPassword(ctx, email, pw)
		} else if err != nil {
			return fmt.Errorf("demo account %s: %w", email, err)
		}
		if err := db.Audit(ctx, ingest.AuditEntry{Actor: "system", Action: "user.demo", Target: email, Detail: map[string]any{"role": role}}); err != nil {
			return err
		}
		note := ""
		if len(gs) > 0 {
			note = "  (groups " + strings.Join(gs, ", ") + ")"
		}
		fmt.Fprintf(out, "  %-12s %-36s %s%s\n", role, email, pw, note)
	}
	return nil
}

// demoPassword is 16 base32 characters: 80 random bits, grouped to read aloud.
func demoPassword() string {
	t := strings.ToLower(rand.Text()[:16])
	return t[:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:]
}
