package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
)

// knownSettings are the programme settings peerpulse reads, with a check of each value, so that
// a typo is refused instead of silently ignored.
var knownSettings = map[string]func(string) error{
	ingest.SettingProgrammeName: func(v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("the programme name cannot be empty")
		}
		return nil
	},
	analysis.SettingTariff: nonNegativeNumber,
	"support_options":      func(string) error { return nil }, // checked as JSON when the server starts
}

func nonNegativeNumber(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("%q is not a number of 0 or more", v)
	}
	return nil
}

func settingCheck(key string) (func(string) error, bool) {
	if check, ok := knownSettings[key]; ok {
		return check, true
	}
	for _, m := range analysis.MeasureIDs {
		switch key {
		case "rci." + m + ".sd1", "rci." + m + ".reliability":
			return nonNegativeNumber, true
		}
	}
	for _, tp := range []string{"pre", "post", "followup", "session"} {
		if key == "instruments."+tp {
			return func(string) error { return nil }, true // checked against the instruments at start-up
		}
	}
	return nil, false
}

func runSettings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	cfg.maxArgs = 2 // KEY and VALUE follow the flags
	err := cfg.parse("settings", "Show or change the programme's settings: peerpulse settings --db FILE [KEY [VALUE]].\n"+
		"Keys: programme_name, tariff_per_facilitator_hour (GBP per facilitator hour, for costs),\n"+
		"rci.<measure>.sd1 and rci.<measure>.reliability (fix the Reliable Change Index inputs),\n"+
		"instruments.<timepoint> (instrument ids asked, space-separated), support_options (JSON).",
		args, os.Getenv, stdout, "db")
	if err != nil {
		return err
	}
	rest := cfg.args
	readOnly := len(rest) < 2
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: readOnly})
	if err != nil {
		return err
	}
	defer db.Close()
	if !readOnly {
		check, ok := settingCheck(rest[0])
		if !ok {
			return fmt.Errorf("%w: unknown setting %q (see peerpulse settings --help)", errUsage, rest[0])
		}
		if err := check(rest[1]); err != nil {
			return fmt.Errorf("%w: %s: %v", errUsage, rest[0], err)
		}
		if err := db.SetSetting(ctx, rest[0], rest[1]); err != nil {
			return err
		}
		return db.Audit(ctx, ingest.AuditEntry{Actor: "cli", Action: "setting.change", Target: rest[0], Detail: map[string]any{"value": rest[1]}})
	}
	all, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		if len(rest) == 0 || k == rest[0] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(stdout, "%s\t%s\n", k, all[k])
	}
	return nil
}
