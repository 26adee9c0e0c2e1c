package dashboards

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/accounts"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// budgetWarnShare is the share of a group's facilitator-minute budget at which the console
// warns that it is nearly spent.
const budgetWarnShare = 0.8

// consoleGroup is a group as a console row: its record and where it stands against its budget.
type consoleGroup struct {
	ingest.GroupRecord
	BudgetState string // "", "near" or "over"
}

func newConsoleGroup(g ingest.GroupRecord) consoleGroup {
	cg := consoleGroup{GroupRecord: g}
	switch budget := float64(g.FacilitatorMinutesBudget); {
	case budget > 0 && float64(g.MinutesUsed) > budget:
		cg.BudgetState = "over"
	case budget > 0 && float64(g.MinutesUsed) >= budgetWarnShare*budget:
		cg.BudgetState = "near"
	}
	return cg
}

type consolePage struct {
	Groups  []consoleGroup
	IsAdmin bool
}

// consoleShow is GET /console: the groups the viewer may manage (all for admins, their own
// for facilitators) with delivery, budget and response counts — never scores.
func (h *handler) consoleShow(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	records, err := h.DB.GroupRecords(ctx, visibleGroups(viewer(c)))
	if err != nil {
		return err
	}
	p := consolePage{IsAdmin: viewer(c).Role == accounts.Admin}
	for _, g := range records {
		p.Groups = append(p.Groups, newConsoleGroup(g))
	}
	title := "Programme console"
	if !p.IsAdmin {
		title = "Your groups"
	}
	return h.views.Render(c, fiber.StatusOK, "console", web.Page{Title: title, Data: p})
}

// visibleGroups is nil (every group) except for a facilitator, who sees their own.
func visibleGroups(a *accounts.Account) []string {
	if a.Role == accounts.Facilitator {
		if a.Groups == nil {
			return []string{}
		}
		return a.Groups
	}
	return nil
}
