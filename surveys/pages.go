package surveys

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

//go:embed templates
var templatesFS embed.FS

// requestTimeout bounds the database work of one attendee request: Fiber v2 never cancels
// c.UserContext(), so without it a stuck query would hold the request for ever.
const requestTimeout = 10 * time.Second

// basePage is embedded in the Data of every attendee page. Errors is what the layout's title
// and the error summary read; Token builds the page's links and form actions.
type basePage struct {
	Token     string
	GroupName string
	Errors    []web.FieldError
}

// parseViews parses the attendee pages. web.NewViews parses each page file on its own, so the
// shared partials (error summary, radios, hidden state) are appended to every page file here.
func parseViews() (*web.Views, error) {
	pages, err := withPartials(templatesFS, "templates", "templates/partials")
	if err != nil {
		return nil, fmt.Errorf("surveys templates: %w", err)
	}
	views, err := web.NewViews(pages, nil)
	if err != nil {
		return nil, fmt.Errorf("surveys templates: %w", err)
	}
	return views, nil
}

// withPartials returns the *.html files of dir, each followed by every *.html file of
// partialsDir, as a flat file system of page files.
func withPartials(fsys fs.FS, dir, partialsDir string) (pageFiles, error) {
	var partials []byte
	names, err := fs.Glob(fsys, path.Join(partialsDir, "*.html"))
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		partials = append(append(partials, '\n'), b...)
	}
	pages, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	out := pageFiles{}
	for _, name := range pages {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out[path.Base(name)] = append(b, partials...)
	}
	return out, nil
}

// pageFiles is a flat, read-only, in-memory file system: file name → content. It serves the
// calls web.NewViews makes (Glob and ReadFile); Open is there to satisfy fs.FS.
type pageFiles map[string][]byte

// Open implements fs.FS for the files, not for directories.
func (p pageFiles) Open(name string) (fs.File, error) {
	b, ok := p[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &pageFile{Reader: bytes.NewReader(b), name: name, size: int64(len(b))}, nil
}

// ReadFile implements fs.ReadFileFS.
func (p pageFiles) ReadFile(name string) ([]byte, error) {
	b, ok := p[name]
	if !ok {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(b), nil
}

// Glob implements fs.GlobFS over the flat list of names.
func (p pageFiles) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range p {
		ok, err := path.Match(pattern, name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, name)
		}
	}
	return out, nil
}

// pageFile is one open file of pageFiles; it is its own fs.FileInfo.
type pageFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *pageFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *pageFile) Close() error               { return nil }
func (f *pageFile) Name() string               { return f.name }
func (f *pageFile) Size() int64                { return f.size }
func (f *pageFile) Mode() fs.FileMode          { return 0o444 }
func (f *pageFile) ModTime() time.Time         { return time.Time{} }
func (f *pageFile) IsDir() bool                { return false }
func (f *pageFile) Sys() any                   { return nil }

// render writes an attendee page. Survey pages hold answers, so they must never be cached,
// whatever the app-wide default is.
func (h *handler) render(c *fiber.Ctx, status int, page, title string, data any) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, status, page, web.Page{Title: title, Programme: h.programme, Data: data})
}

// pageErrors adapts an attendee handler: an unknown link and a closed group get the survey's
// own calm pages instead of the generic error page.
func (h *handler) pageErrors(fn fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := fn(c)
		switch {
		case errors.Is(err, ErrUnknownInvite):
			return h.render(c, fiber.StatusNotFound, "not_found", "This survey link is not working", basePage{})
		case errors.Is(err, ErrClosed):
			return h.render(c, fiber.StatusGone, "closed", "This survey has closed", basePage{})
		}
		return err
	}
}

// requestContext gives one request's database work its own deadline.
func requestContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), requestTimeout)
}

// programmeName is the pilot's name for the page header, read once at start-up.
func programmeName(s *Service) string {
	ctx, cancel := requestContext()
	defer cancel()
	name, ok, err := s.db.Setting(ctx, ingest.SettingProgrammeName)
	if err != nil || !ok {
		return ""
	}
	return strings.TrimSpace(name)
}
