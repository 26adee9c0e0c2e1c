package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("demo", "Write a realistic synthetic pilot into an empty database: 50 groups across the\n"+
		"modalities and regions, ~12 attendees each, 10 sessions with attendance, and CBI and NSS morale\n"+
		"answers before and after with realistic attrition. The same --seed always gives the same pilot.",
		args, os.Getenv, stdout, "db", "seed", "if-empty", "db-threads", "db-memory-limit")
	if err != nil {
		return err
	}
	set, err := instrument.Load()
	if err != nil {
		return err
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{Threads: cfg.DBThreads, MemoryLimit: cfg.DBMemoryLimit})
	if err != nil {
		return err
	}
	start := time.Now()
	res, werr := demo.Write(ctx, db, set, demo.DefaultOptions(cfg.Seed))
	if cerr := db.Close(); werr == nil {
		werr = cerr
	}
	if errors.Is(werr, demo.ErrNotEmpty) && cfg.IfEmpty {
		fmt.Fprintf(stdout, "%s already holds a programme; demo data not added.\n", cfg.DB)
		return nil
	}
	if werr != nil {
		return werr
	}
	fmt.Fprintf(stdout, "Wrote the demo pilot (seed %d) to %s in %s: %d groups, %d sessions, %d participants, %d attendance marks, %d responses.\n",
		cfg.Seed, cfg.DB, time.Since(start).Round(time.Millisecond), res.Groups, res.Sessions, res.Participants, res.Attendance, res.Responses)
	return nil
}
