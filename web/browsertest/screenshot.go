package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Screenshot saves a full-page PNG of the tab as <name>.png in the test's output
// folder and returns its path. The folder is <out>/<TestName>, where <out> is
// $PEERPULSE_TEST_OUT if set, else <repo root>/testout (git-ignored; the repo root is
// the nearest folder above the test's working directory holding go.mod). Subtests get
// subfolders. Characters other than letters, digits, '.', '_' and '-' in the names
// become '_'.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	dir, err := outDir(t.Name())
	if err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, safeName.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	return path
}

// safeName matches what may not appear in a file or folder name made from test input.
var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// outDir creates and returns the output folder for the test called testName.
func outDir(testName string) (string, error) {
	base := os.Getenv("PEERPULSE_TEST_OUT")
	if base == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		base = filepath.Join(root, "testout")
	}
	dir := base
	for _, part := range strings.Split(testName, "/") { // subtests get subfolders
		dir = filepath.Join(dir, safeName.ReplaceAllString(part, "_"))
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// repoRoot walks up from the working directory (the package folder under go test)
// to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; set PEERPULSE_TEST_OUT")
		}
		dir = parent
	}
}

// canvasInkJS returns null when the selector matches nothing, -1 when the element
// holds no canvas, else the number of canvases with ink. Each canvas is copied onto a
// 2D scratch canvas (which works for 2D and WebGL canvases alike) and has ink when
// some pixel differs from its top-left pixel, so both a transparent and a
// solid-filled background count as blank.
const canvasInkJS = `(sel => {
	const el = document.querySelector(sel);
	if (!el) return null;
	const canvases = el.tagName === "CANVAS" ? [el] : [...el.querySelectorAll("canvas")];
	if (canvases.length === 0) return -1;
	return canvases.filter(c => {
		if (c.width === 0 || c.height === 0) return false;
		const s = document.createElement("canvas");
		s.width = c.width; s.height = c.height;
		const g = s.getContext("2d");
		g.drawImage(c, 0, 0);
		const d = new Uint32Array(g.getImageData(0, 0, s.width, s.height).data.buffer);
		return d.some(p => p !== d[0]);
	}).length;
})(%s)`

// CanvasHasInk reports whether the <canvas> under selector (a CSS selector for the
// canvas itself or an element holding it, such as an ECharts chart's <div>) has
// non-blank pixels: some pixel differs from the rest. With several canvases, one with
// ink is enough. It fails the test when selector matches nothing or holds no canvas.
// Turn chart animation off, or the first frames may still be blank.
func CanvasHasInk(t testing.TB, ctx context.Context, selector string) bool {
	t.Helper()
	arg, _ := json.Marshal(selector)
	n, err := chromedp.Run(ctx, chromedp.Evaluate[*int](fmt.Sprintf(canvasInkJS, string(arg))))
	switch {
	case err != nil:
		t.Fatalf("browsertest: canvas %q: %v", selector, err)
	case n == nil:
		t.Fatalf("browsertest: canvas %q: no element matches", selector)
	case *n < 0:
		t.Fatalf("browsertest: canvas %q: the element holds no <canvas>", selector)
	}
	return *n > 0
}
