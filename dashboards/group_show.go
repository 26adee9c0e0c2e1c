package dashboards

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

type groupPage struct {
	Group     consoleGroup
	Sessions  []ingest.SessionRecord
	InviteURL string
	IsAdmin   bool
}

// groupShow is GET /console/groups/:group: the group's invite link, delivery, sessions and
// response counts, and what to remind people of (pre codes with no post yet).
func (h *handler) groupShow(c *fiber.Ctx) error {
	g, err := h.groupRecord(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	sessions, err := h.DB.SessionRecords(ctx, g.Code)
	if err != nil {
		return err
	}
	p := groupPage{Group: newConsoleGroup(g), Sessions: sessions, InviteURL: h.publicURL(c, "/s/"+g.InviteToken),
		IsAdmin: viewer(c).Role == accounts.Admin}
	return h.views.Render(c, fiber.StatusOK, "group", web.Page{Title: g.Code + " " + g.Name, Data: p})
}

// publicURL is the address attendees use for path: the configured base URL, else the one
// this request came to.
func (h *handler) publicURL(c *fiber.Ctx, path string) string {
	base := h.BaseURL
	if base == "" {
		base = c.BaseURL()
	}
	return strings.TrimRight(base, "/") + path
}

// qrPage is a printable poster: a QR code of a link, the link in words, and what it is for.
type qrPage struct {
	Heading, Lede, URL string
	Image              template.URL
	Back               string
}

// groupQR is GET /console/groups/:group/qr: a printable poster of the group's invite link.
func (h *handler) groupQR(c *fiber.Ctx) error {
	g, err := h.groupRecord(c)
	if err != nil {
		return err
	}
	return h.renderQR(c, qrPage{Heading: g.Name, Lede: "Scan to answer the peer-support questionnaire. It takes about five minutes and is anonymous.",
		URL: h.publicURL(c, "/s/"+g.InviteToken), Back: "/console/groups/" + g.Code})
}

func (h *handler) renderQR(c *fiber.Ctx, p qrPage) error {
	png, err := qrcode.Encode(p.URL, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	// Our own encoder's PNG as a data URI: the CSP allows data: images, and no user text is in
	// the URI but base64.
	p.Image = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	return h.views.Render(c, fiber.StatusOK, "qr", web.Page{Title: "QR code: " + p.Heading, Data: p})
}
