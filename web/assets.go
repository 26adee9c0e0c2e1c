package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"

	"github.com/gofiber/fiber/v2"
)

// assetsFS holds our stylesheet and the vendored front-end files; refresh.sh is left out
// on purpose because it is a build tool, not something to serve.
//
//go:embed assets/app.css assets/vendor
var assetsFS embed.FS

// assetPrefix is where MountAssets serves files and what AssetURL puts in front of names.
const assetPrefix = "/assets/"

// immutable lets browsers keep a versioned asset for a year without asking again: the
// URL changes whenever the content does.
const immutable = "public, max-age=31536000, immutable"

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	gzipped     []byte // nil when compressing does not pay
	contentType string
	version     string // first 10 hex digits of the SHA-256 of body
}

// assets is computed once from the embedded files and only read afterwards.
var assets = mustLoadAssets(assetsFS, "assets")

// contentTypes names every kind of file we ship; anything else is served as bytes.
var contentTypes = map[string]string{
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".json": "application/json",
}

// AssetURL returns the URL of the embedded asset name (a path below web/assets, such as
// "vendor/nhsuk-frontend.min.css") with its content hash as a version, so it can be
// cached forever. An unknown name gets an unversioned URL, which will answer 404.
func AssetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		return assetPrefix + name
	}
	return assetPrefix + name + "?v=" + a.version
}

// assetURLStrict is the template function behind "asset": a misspelt name fails the
// render, and so the tests, instead of quietly shipping a broken link.
func assetURLStrict(name string) (string, error) {
	if _, ok := assets[name]; !ok {
		return "", fmt.Errorf("web: no asset %q", name)
	}
	return AssetURL(name), nil
}

// MountAssets serves the embedded assets under /assets/ on r. Only files that exist in
// the embedded table are served, so no path, however encoded, reaches anything else.
func MountAssets(r fiber.Router) {
	r.Get(assetPrefix+"*", serveAsset).Name(AccessPublic)
}

func serveAsset(c *fiber.Ctx) error {
	a, ok := assets[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	etag := `"` + a.version + `"`
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Set(fiber.HeaderETag, etag)
	c.Vary(fiber.HeaderAcceptEncoding)
	if c.Query("v") == a.version {
		c.Set(fiber.HeaderCacheControl, immutable)
	} else {
		// An old or missing version must not be pinned for a year.
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	if a.gzipped != nil && c.Request().Header.HasAcceptEncoding("gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gzipped)
	}
	return c.Send(a.body)
}

// mustLoadAssets panics because the files are compiled into the binary: a failure is
// a build mistake that every test run reveals.
func mustLoadAssets(fsys fs.FS, root string) map[string]asset {
	m, err := loadAssets(fsys, root)
	if err != nil {
		panic(err)
	}
	return m
}

// loadAssets reads every file below root, keyed by its path relative to root.
func loadAssets(fsys fs.FS, root string) (map[string]asset, error) {
	m := make(map[string]asset)
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		m[p[len(root)+1:]] = newAsset(body, path.Ext(p))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	return m, nil
}

func newAsset(body []byte, ext string) asset {
	sum := sha256.Sum256(body)
	ct, ok := contentTypes[ext]
	if !ok {
		ct = "application/octet-stream"
	}
	return asset{body: body, gzipped: gzipIfSmaller(body, ext), contentType: ct, version: hex.EncodeToString(sum[:])[:10]}
}

// gzipIfSmaller compresses text once at start-up: attendees answer on phones, and the
// NHS.UK stylesheet shrinks from ~280 KB to ~40 KB.
func gzipIfSmaller(body []byte, ext string) []byte {
	if ext == ".png" || ext == ".ico" || len(body) < 1024 {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	if buf.Len() > len(body)*9/10 {
		return nil
	}
	return buf.Bytes()
}
