package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates
var templatesFS embed.FS

// Page is what every view receives. The layout reads Title (through the page's own
// "title" template), Programme and Nonce; Data is the page's own.
type Page struct {
	// Title is the page title, for pages whose "title" template prints {{.Title}}.
	Title string
	// Programme is the pilot's name, shown in the header when set.
	Programme string
	// Nonce is the request's CSP nonce; Render fills it in.
	Nonce string
	// CSRF is the token every state-changing form carries ({{template "csrf" $}}); Render
	// fills it in.
	CSRF string
	// SignedIn is the staff member using the page, nil for attendees; Render fills it in from
	// what the sign-in middleware stored with SetSignedIn.
	SignedIn *SignedIn
	// Data is whatever the page template needs.
	Data any
}

// Views holds one parsed template set per page. It is safe for concurrent use: the sets
// are built by NewViews and only executed afterwards.
type Views struct {
	pages map[string]*template.Template
}

// NewViews parses web's layout and partials together with each *.html file at the root of
// pages (nil for none), one template set per file, so pages cannot see or clobber each
// other's definitions. A page file must define "title" and "content"; it may also define
// "head", "beforeContent" and "scripts". The page is named by its file name without
// ".html". funcs are added to the defaults ("asset") and may override them.
// Parsing happens here, at start-up, so a broken template stops the service from
// starting instead of failing a request; the error names the file.
func NewViews(pages fs.FS, funcs template.FuncMap) (*Views, error) {
	base, err := template.New("web").
		Funcs(template.FuncMap{"asset": assetURLStrict, "input": newInput}).
		Funcs(funcs).
		ParseFS(templatesFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	v := &Views{pages: make(map[string]*template.Template)}
	if err := v.addPages(base, templatesFS, "templates/pages"); err != nil {
		return nil, err
	}
	if pages != nil {
		if err := v.addPages(base, pages, "."); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *Views) addPages(base *template.Template, fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return fmt.Errorf("web: list pages in %s: %w", dir, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if _, dup := v.pages[name]; dup {
			return fmt.Errorf("web: page %s: a page named %q already exists", file, name)
		}
		t, err := parsePage(base, fsys, file)
		if err != nil {
			return err
		}
		v.pages[name] = t
	}
	return nil
}

// parsePage parses file into a copy of base and checks that the layout will find the
// templates it calls.
func parsePage(base *template.Template, fsys fs.FS, file string) (*template.Template, error) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("web: page %s: %w", file, err)
	}
	t, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("web: page %s: %w", file, err)
	}
	if _, err := t.New(path.Base(file)).Parse(string(src)); err != nil {
		return nil, fmt.Errorf("web: page %s: %w", file, err)
	}
	for _, want := range []string{"title", "content"} {
		if t.Lookup(want) == nil {
			return nil, fmt.Errorf("web: page %s: missing {{define %q}}", file, want)
		}
	}
	return t, nil
}

// Render writes page inside the layout with the given status. The page is rendered into
// memory first, so a template error becomes a clean error response rather than half a
// page under a 200 status.
func (v *Views) Render(c *fiber.Ctx, status int, page string, p Page) error {
	if nonce, ok := c.Locals(NonceKey).(string); ok {
		p.Nonce = nonce
	}
	p.CSRF = CSRF(c)
	if p.SignedIn == nil {
		p.SignedIn, _ = c.Locals(signedInKey).(*SignedIn)
	}
	var buf bytes.Buffer
	if err := v.execute(&buf, page, p); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

func (v *Views) execute(w io.Writer, page string, p Page) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("web: unknown page %q", page)
	}
	if err := t.ExecuteTemplate(w, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	return nil
}

// mustWebViews returns views holding only web's own pages. The templates are embedded,
// so a failure is a build mistake that every test run reveals.
func mustWebViews() *Views {
	v, err := NewViews(nil, nil)
	if err != nil {
		panic(err)
	}
	return v
}
