package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
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

// analyseFromServer asks the running server, because DuckDB lets no other process open the file.
func analyseFromServer(ctx context.Context, cfg Config) (*analysis.Results, error) {
	key, err := readSecret(cfg)
	if err != nil {
		return nil, err
	}
	q := url.Values{"comparison": {cfg.Comparison}, "min_cell": {strconv.Itoa(cfg.MinCell)},
		"modality": {cfg.Modality}, "region": {cfg.Region}, "profession": {cfg.Profession}}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+cfg.Addr+"/api/v1/impact?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+web.CLIToken(key))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s is held by another process, and no peerpulse server answers at %s (give its address with --addr): %w", cfg.DB, cfg.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("the server at %s refused: %s %s", cfg.Addr, resp.Status, body)
	}
	var res analysis.Results
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("read the server's results: %w", err)
	}
	return &res, nil
}

// readSecret reads the key with which CLI commands authenticate to the running server.
func readSecret(cfg Config) ([]byte, error) {
	raw, err := os.ReadFile(cfg.SecretKeyFile)
	if err != nil {
		return nil, fmt.Errorf("%s is held by a running server, and its secret key %s cannot be read to ask it: %w", cfg.DB, cfg.SecretKeyFile, err)
	}
	return parseSecret(cfg.SecretKeyFile, raw)
}
