package dashboards

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

//go:embed templates/*.html
var templates embed.FS

// Deps are what the staff pages need, given once at start-up.
type Deps struct {
	DB  *ingest.DB
	Log *slog.Logger
	// Programme overrides the programme name stored in the database when not empty.
	Programme   string
	Instruments *instrument.Set
	// MinCell is the smallest cell shown to evaluators, MinCellFunder to funders
	// (INSTRUMENTS.md §6).
	MinCell, MinCellFunder int
	// CLISecret authenticates peerpulse's own commands on the server's machine.
	CLISecret []byte
	// Accounts holds staff accounts, sessions and API tokens.
	Accounts *accounts.Store
	// Throttle slows password guessing; nil gets DefaultThrottle.
	Throttle *accounts.Throttle
	// SessionLimits end idle and old sessions; zero gets accounts.DefaultSessionLimits.
	SessionLimits accounts.SessionLimits
	// SecureCookies marks the session cookie Secure even when TLS ends at a proxy.
	SecureCookies bool
	// BaseURL is where attendees reach the service, for invite links and QR codes; empty
	// means the address this request came to.
	BaseURL string
	// LoginRate is how many sign-in attempts one address may make per minute (0: 20).
	LoginRate int
}

// DefaultThrottle allows 5 failed sign-ins per account or address, then waits 1 s, 2 s, 4 s …
// up to 15 minutes between attempts.
func DefaultThrottle() *accounts.Throttle {
	return accounts.NewThrottle(5, time.Second, 15*time.Minute)
}

// handler holds the dependencies every staff handler shares.
type handler struct {
	Deps
	views *web.Views
}

// Register parses the staff templates (failing fast if one is broken) and adds the staff
// routes, each with its access decision (see web.StaffAccess).
func Register(r fiber.Router, d Deps) error {
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return fmt.Errorf("dashboards templates: %w", err)
	}
	views, err := web.NewViews(pages, nil)
	if err != nil {
		return fmt.Errorf("dashboards templates: %w", err)
	}
	if d.Accounts == nil {
		return errors.New("dashboards: no account store")
	}
	if d.Throttle == nil {
		d.Throttle = DefaultThrottle()
	}
	if d.SessionLimits == (accounts.SessionLimits{}) {
		d.SessionLimits = accounts.DefaultSessionLimits
	}
	if d.MinCellFunder < d.MinCell {
		d.MinCellFunder = d.MinCell
	}
	if d.LoginRate <= 0 {
		d.LoginRate = 20
	}
	h := &handler{Deps: d, views: views}
	h.routes(r)
	return nil
}

// Who may do what (DESIGN.md "People and permissions").
var (
	allStaff     = []string{accounts.Admin, accounts.Evaluator, accounts.Funder, accounts.Facilitator}
	consoleUsers = []string{accounts.Admin, accounts.Facilitator}
	adminOnly    = []string{accounts.Admin}
	impactUsers  = []string{accounts.Admin, accounts.Evaluator, accounts.Funder}
	evaluators   = []string{accounts.Admin, accounts.Evaluator}
)

func (h *handler) routes(r fiber.Router) {
	r.Get("/", h.homeShow).Name(web.AccessPublic)
	r.Get("/login", h.loginShow).Name(web.AccessPublic)
	r.Post("/login", limiter.New(limiter.Config{Max: h.LoginRate, Expiration: time.Minute,
		LimitReached: func(*fiber.Ctx) error { return web.TooManyRequests(60) }}), h.loginSubmit).Name(web.AccessPublic)
	r.Post("/logout", h.logout).Name(web.AccessPublic)

	h.staff(r, "GET", "/account", false, allStaff, h.accountShow)
	h.staff(r, "POST", "/account/tokens", false, allStaff, h.tokenCreate)
	h.staff(r, "POST", "/account/tokens/:id/revoke", false, allStaff, h.tokenRevoke)

	h.staff(r, "GET", "/admin/audit", false, adminOnly, h.auditList)
	h.staff(r, "GET", "/admin/accounts", false, adminOnly, h.accountsList)

	h.staff(r, "GET", "/console", false, consoleUsers, h.consoleShow)
	h.staff(r, "GET", "/console/paper", false, consoleUsers, h.paperIndex)
	h.staff(r, "GET", "/console/paper/:timepoint", false, consoleUsers, h.paperShow)
	h.staff(r, "GET", "/console/groups/new", false, adminOnly, h.groupNew)
	h.staff(r, "POST", "/console/groups", false, adminOnly, h.groupCreate)
	h.staff(r, "GET", "/console/groups/:group", false, consoleUsers, h.ownGroup, h.groupShow)
	h.staff(r, "GET", "/console/groups/:group/edit", false, adminOnly, h.groupEdit)
	h.staff(r, "POST", "/console/groups/:group/edit", false, adminOnly, h.groupUpdate)
	h.staff(r, "POST", "/console/groups/:group/close", false, adminOnly, h.groupClose)
	h.staff(r, "GET", "/console/groups/:group/qr", false, consoleUsers, h.ownGroup, h.groupQR)
	h.staff(r, "GET", "/console/groups/:group/sessions/new", false, consoleUsers, h.ownGroup, h.sessionNew)
	h.staff(r, "POST", "/console/groups/:group/sessions", false, consoleUsers, h.ownGroup, h.sessionCreate)
	h.staff(r, "GET", "/console/groups/:group/sessions/:no/edit", false, consoleUsers, h.ownGroup, h.sessionEdit)
	h.staff(r, "POST", "/console/groups/:group/sessions/:no/edit", false, consoleUsers, h.ownGroup, h.sessionUpdate)
	h.staff(r, "GET", "/console/groups/:group/sessions/:no/attendance", false, consoleUsers, h.ownGroup, h.attendanceShow)
	h.staff(r, "POST", "/console/groups/:group/sessions/:no/attendance", false, consoleUsers, h.ownGroup, h.attendanceSave)
	h.staff(r, "GET", "/console/groups/:group/sessions/:no/qr", false, consoleUsers, h.ownGroup, h.sessionQR)

	h.staff(r, "GET", "/dashboards", false, impactUsers, h.overviewShow)
	h.staff(r, "GET", "/dashboards/groups/:group", false, groupImpactUsers, h.ownGroup, h.groupImpactShow)
	h.staff(r, "GET", "/dashboards/quality", false, evaluators, h.qualityShow)

	h.staff(r, "GET", "/api/v1/impact", true, impactUsers, h.apiImpact)
	h.staff(r, "GET", "/reports/funder.xlsx", false, impactUsers, h.report("funder"))
	h.staff(r, "GET", "/reports/evaluator.xlsx", false, evaluators, h.report("evaluator"))

	r.Get("/api/v1/backup", web.RequireCLIToken(h.CLISecret), h.asCLI, h.apiBackup).Name(web.AccessCLI)
	r.Post("/api/v1/accounts", web.RequireCLIToken(h.CLISecret), h.asCLI, h.apiAccounts).Name(web.AccessCLI)
	r.Get("/api/v1/reports/:kind.xlsx", web.RequireCLIToken(h.CLISecret), h.asCLI, h.apiReport).Name(web.AccessCLI)
}

// programmeName is the configured name, else the one stored with the data, else a plain default.
func (h *handler) programmeName(ctx context.Context) string {
	if h.Programme != "" {
		return h.Programme
	}
	if name, ok, err := h.DB.Setting(ctx, ingest.SettingProgrammeName); err == nil && ok {
		return name
	}
	return "Peer support programme"
}
