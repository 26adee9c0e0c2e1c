package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func runAnalyse(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := defaultConfig()
	err := cfg.parse("analyse", "Analyse the impact: every measure for the programme, each group, modality and region,\n"+
		"with disclosure control. JSON follows FORMATS.md; the table is for reading in a terminal.\n"+
		"While `peerpulse serve` holds the file, it asks that server (at --addr, with the secret key file).",
		args, os.Getenv, stdout, "db", "format", "min-cell", "comparison", "modality", "region", "profession",
		"programme", "addr", "secret-key-file")
	if err != nil {
		return err
	}
	if cfg.Format != "json" && cfg.Format != "table" {
		return fmt.Errorf("%w: format %q is not json or table", errUsage, cfg.Format)
	}
	if _, ok := analysis.Comparisons[cfg.Comparison]; !ok {
		return fmt.Errorf("%w: comparison %q is not pre-post or pre-followup", errUsage, cfg.Comparison)
	}
	res, err := analyseFile(ctx, cfg)
	if errors.Is(err, ingest.ErrLocked) {
		res, err = analyseFromServer(ctx, cfg)
	}
	if err != nil {
		return err
	}
	if cfg.Format == "table" {
		return analysis.WriteTable(stdout, res)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

func analyseFile(ctx context.Context, cfg Config) (*analysis.Results, error) {
	set, err := instrument.Load()
	if err != nil {
		return nil, err
	}
	db, err := ingest.Open(ctx, cfg.DB, ingest.Options{ReadOnly: true, Instruments: set})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return analysis.Run(ctx, db, set, analysis.Options{
		Programme: cfg.Programme, Comparison: cfg.Comparison, MinCell: cfg.MinCell,
		Filter: analysis.Filter{Modality: cfg.Modality, Region: cfg.Region, Profession: cfg.Profession},
	})
}

// analyseFromServer asks the running server for the results.
func analyseFromServer(ctx context.Context, cfg Config) (*analysis.Results, error) {
	q := url.Values{"comparison": {cfg.Comparison}, "min_cell": {strconv.Itoa(cfg.MinCell)},
		"modality": {cfg.Modality}, "region": {cfg.Region}, "profession": {cfg.Profession}}
	var res analysis.Results
	err := askServer(ctx, cfg, "/api/v1/impact", q, 2*time.Minute, func(body io.Reader) error {
		if err := json.NewDecoder(body).Decode(&res); err != nil {
			return fmt.Errorf("read the server's results: %w", err)
		}
		return nil
	})
	return &res, err
}
