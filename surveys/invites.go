package surveys

import (
	"context"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// InviteLink is one open group's invite link, for a programme office's mail merge.
type InviteLink struct {
	GroupCode string
	URL       string
}

// InviteLinks lists the invite link of every open group, by group code. baseURL is where
// attendees reach the service, e.g. https://peerpulse.example.nhs.uk.
func InviteLinks(ctx context.Context, db *ingest.DB, baseURL string) ([]InviteLink, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT group_code, invite_token FROM groups WHERE closed_at IS NULL ORDER BY group_code`)
	if err != nil {
		return nil, fmt.Errorf("read invite links: %w", err)
	}
	defer rows.Close()
	base := strings.TrimRight(baseURL, "/")
	var links []InviteLink
	for rows.Next() {
		var code, token string
		if err := rows.Scan(&code, &token); err != nil {
			return nil, fmt.Errorf("read invite links: %w", err)
		}
		links = append(links, InviteLink{GroupCode: code, URL: base + "/s/" + token})
	}
	return links, rows.Err()
}

// FormatInviteLinks writes one "group_code<TAB>URL" line per link.
func FormatInviteLinks(links []InviteLink) string {
	var sb strings.Builder
	for _, l := range links {
		sb.WriteString(l.GroupCode + "\t" + l.URL + "\n")
	}
	return sb.String()
}

// RegisterCLI adds the routes peerpulse's own commands use while the server holds the database
// file, guarded by the CLI token derived from secret.
func RegisterCLI(r fiber.Router, svc *Service, secret []byte) {
	r.Get("/api/v1/invites", web.RequireCLIToken(secret), func(c *fiber.Ctx) error { return invitesList(c, svc) }).Name(web.AccessCLI)
}

// invitesList is GET /api/v1/invites?base_url=…, for `peerpulse invites`.
func invitesList(c *fiber.Ctx, svc *Service) error {
	base := strings.Clone(c.Query("base_url"))
	if base == "" {
		base = c.BaseURL()
	}
	links, err := InviteLinks(c.UserContext(), svc.db, base)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/tab-separated-values; charset=utf-8")
	return c.SendString(FormatInviteLinks(links))
}
