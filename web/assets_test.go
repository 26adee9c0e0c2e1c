package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestAssetURL(t *testing.T) {
	t.Parallel()
	got := AssetURL("vendor/nhsuk-frontend.min.css")
	if !regexp.MustCompile(`^/assets/vendor/nhsuk-frontend\.min\.css\?v=[0-9a-f]{10}$`).MatchString(got) {
		t.Errorf("AssetURL = %q, want a versioned URL", got)
	}
	if got := AssetURL("nope.css"); got != "/assets/nope.css" {
		t.Errorf("AssetURL(unknown) = %q", got)
	}
	if _, err := assetURLStrict("nope.css"); err == nil {
		t.Error("asset template func accepted an unknown name")
	}
}

func TestServeAssets(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	css := AssetURL("vendor/nhsuk-frontend.min.css")
	tests := []struct {
		name, url    string
		headers      []string
		status       int
		contentType  string
		cacheControl string
	}{
		{"versioned css", css, nil, 200, "text/css; charset=utf-8", immutable},
		{"our css", AssetURL("app.css"), nil, 200, "text/css; charset=utf-8", immutable},
		{"nhs js", AssetURL("vendor/nhsuk-frontend.min.js"), nil, 200, "text/javascript; charset=utf-8", immutable},
		{"echarts", AssetURL("vendor/echarts.min.js"), nil, 200, "text/javascript; charset=utf-8", immutable},
		{"svg icon", AssetURL("vendor/images/nhsuk-icon-cross.svg"), nil, 200, "image/svg+xml", immutable},
		{"png icon", AssetURL("vendor/images/nhsuk-icon-180.png"), nil, 200, "image/png", immutable},
		{"licence", AssetURL("vendor/nhsuk-frontend-LICENCE.txt"), nil, 200, "text/plain; charset=utf-8", immutable},
		{"no version", "/assets/app.css", nil, 200, "text/css; charset=utf-8", "no-cache"},
		{"stale version", "/assets/app.css?v=0000000000", nil, 200, "text/css; charset=utf-8", "no-cache"},
		{"unknown", "/assets/vendor/nope.css", nil, 404, "", ""},
		{"directory", "/assets/vendor/", nil, 404, "", ""},
		{"dot dot", "/assets/../go.mod", nil, 404, "", ""},
		{"dot dot to source", "/assets/../assets.go", nil, 404, "", ""},
		{"encoded dots", "/assets/%2e%2e/go.mod", nil, 404, "", ""},
		{"encoded slash", "/assets/..%2fgo.mod", nil, 404, "", ""},
		{"double encoded", "/assets/%252e%252e%252fgo.mod", nil, 404, "", ""},
		{"backslash", "/assets/..%5cgo.mod", nil, 404, "", ""},
		{"build script", "/assets/refresh.sh", nil, 404, "", ""},
		{"source map", "/assets/vendor/nhsuk-frontend.min.css.map", nil, 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, app, "GET", tt.url, "", tt.headers...)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d", res.status, tt.status)
			}
			if tt.status != 200 {
				if strings.Contains(res.body, "module github.com") {
					t.Fatal("served a file outside the assets")
				}
				return
			}
			if got := res.header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := res.header.Get("Cache-Control"); got != tt.cacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cacheControl)
			}
		})
	}
}

func TestServeAssetsGzipAndETag(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t)
	url := AssetURL("vendor/nhsuk-frontend.min.css")
	plain := do(t, app, "GET", url, "")
	zipped := do(t, app, "GET", url, "", "Accept-Encoding", "gzip, br")
	if zipped.header.Get("Content-Encoding") != "gzip" || len(zipped.body) >= len(plain.body)/2 {
		t.Fatalf("gzip: encoding %q, %d bytes of %d", zipped.header.Get("Content-Encoding"), len(zipped.body), len(plain.body))
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, []byte(plain.body)) {
		t.Fatalf("gzipped body differs from plain body (err %v)", err)
	}
	etag := plain.header.Get("ETag")
	if res := do(t, app, "GET", url, "", "If-None-Match", etag); res.status != 304 || res.body != "" {
		t.Errorf("If-None-Match: status %d, %d bytes; want 304 and none", res.status, len(res.body))
	}
	if res := do(t, app, "HEAD", url, ""); res.status != 200 || res.body != "" {
		t.Errorf("HEAD: status %d, %d bytes", res.status, len(res.body))
	}
}

// TestVendoredCSSReferences checks what refresh.sh produced: every url() in the NHS.UK
// stylesheet points at a file we serve, with its current version, and nothing leaves
// our origin.
func TestVendoredCSSReferences(t *testing.T) {
	t.Parallel()
	css := string(assets["vendor/nhsuk-frontend.min.css"].body)
	refs := regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(css, -1)
	for _, m := range refs {
		ref := strings.Trim(m[1], `"'`)
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		name, version, _ := strings.Cut(ref, "?v=")
		a, ok := assets["vendor/"+name]
		if !ok {
			t.Errorf("CSS references %q, which is not shipped", ref)
			continue
		}
		if version != a.version {
			t.Errorf("CSS references %q, but its version is %s", ref, a.version)
		}
	}
	if strings.Contains(css, "@font-face") || regexp.MustCompile(`url\((https?:)?//`).MatchString(css) {
		t.Error("CSS still loads something from another origin")
	}
}
