package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// secretBytes is the key length: 256 bits for HMAC-signed cookies and tokens.
const secretBytes = 32

// loadOrCreateSecret reads the hex key in path, creating it (mode 0600) on first start so that a
// newcomer needs no set-up, and refusing a key that is too short or readable by others.
func loadOrCreateSecret(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, secretBytes)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("secret key %s: %w", path, err)
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("secret key %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret key %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret key %s is readable by other users (mode %v): run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	return parseSecret(path, raw)
}

// parseSecret reads a key file's hex content.
func parseSecret(path string, raw []byte) ([]byte, error) {
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) < secretBytes {
		return nil, fmt.Errorf("secret key %s must hold at least %d bytes as hex (e.g. the output of `openssl rand -hex 32`)", path, secretBytes)
	}
	return key, nil
}
