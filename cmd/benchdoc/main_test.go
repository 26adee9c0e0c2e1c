package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	out := `goos: linux
BenchmarkAnalyse/pilot-2         	       5	  59188074 ns/op
BenchmarkAnalyse/pilot-2         	       5	  61487214 ns/op
BenchmarkAnalyse/pilot-2         	       5	  58695082 ns/op
BenchmarkWrite-2   	 20000	     34544 ns/op	  28900 subs/s
BenchmarkWrite-2   	 20000	     35289 ns/op	  28000 subs/s
PASS
ok  	github.com/peerpulse/peerpulse/analysis	12.3s
`
	got := render(out)
	for _, want := range []string{"| Analyse/pilot (ns/op) | 3 | 59.2 ms | 59.2 ms · 61.5 ms · 58.7 ms |",
		"| Write (subs/s) | 2 | 28450 |", "| Write (ns/op) | 2 | 34.9 µs |"} {
		if !strings.Contains(got, want) {
			t.Errorf("render lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "goos") || strings.Contains(got, "PASS") {
		t.Errorf("go test chatter kept:\n%s", got)
	}
	own := "Machine: x.\n\n| variant | requests/s |\n|---|---:|\n| durable | 11681 |\n"
	if got := render(own); got != own {
		t.Errorf("a program's own Markdown changed:\n%s", got)
	}
}

func TestReplaceBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "B.md")
	os.WriteFile(path, []byte("# Benchmarks\n\nNotes that stay.\n"), 0o644)
	if err := replaceBlock(path, "first\n"); err != nil {
		t.Fatal(err)
	}
	if err := replaceBlock(path, "second\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if strings.Count(s, beginMarker) != 1 || strings.Contains(s, "first") || !strings.Contains(s, "second") || !strings.Contains(s, "Notes that stay.") {
		t.Errorf("after two runs:\n%s", s)
	}
}
