package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/peerpulse/peerpulse/web"
)

// askServer reads path from the running server, authenticated with the token derived from the
// secret key file: DuckDB lets no other process open the file the server holds, so read-only
// commands ask it instead. It calls read with the body of a 200 answer.
func askServer(ctx context.Context, cfg Config, path string, q url.Values, timeout time.Duration, read func(io.Reader) error) error {
	return sendServer(ctx, cfg, http.MethodGet, path+"?"+q.Encode(), nil, timeout, read)
}

// sendServer is askServer for any method, with an optional JSON body.
func sendServer(ctx context.Context, cfg Config, method, target string, body io.Reader, timeout time.Duration, read func(io.Reader) error) error {
	key, err := readSecret(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+cfg.Addr+target, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
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
	return read(resp.Body)
}

// readSecret reads the key with which CLI commands authenticate to the running server.
func readSecret(cfg Config) ([]byte, error) {
	raw, err := os.ReadFile(cfg.SecretKeyFile)
	if err != nil {
		return nil, fmt.Errorf("%s is held by a running server, and its secret key %s cannot be read to ask it: %w", cfg.DB, cfg.SecretKeyFile, err)
	}
	return parseSecret(cfg.SecretKeyFile, raw)
}
