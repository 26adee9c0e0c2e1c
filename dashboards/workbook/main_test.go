package workbook

import (
	"os"
	"testing"
)

var tempDir string

func osTempDir() (string, error) { return tempDir, nil }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "workbook-test-")
	if err != nil {
		panic(err)
	}
	tempDir = dir
	code := m.Run()
	if fixtureDB != nil {
		fixtureDB.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}
