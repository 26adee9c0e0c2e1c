package dashboards

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

type attendancePage struct {
	Session   ingest.SessionRecord
	Attendees []ingest.Attendee
}

// attendanceShow is GET /console/groups/:group/sessions/:no/attendance: tick the participant
// codes of the people who came. Codes are all the console knows of anyone.
func (h *handler) attendanceShow(c *fiber.Ctx) error {
	s, err := h.sessionRecord(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	list, err := h.DB.SessionAttendance(ctx, s.GroupCode, s.No)
	if err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, "attendance", web.Page{Title: "Attendance at session " + strconv.Itoa(s.No),
		Data: attendancePage{Session: s, Attendees: list}})
}

// attendanceSave is POST …/attendance: every code of the group is recorded as present (ticked)
// or absent, in one transaction.
func (h *handler) attendanceSave(c *fiber.Ctx) error {
	s, err := h.sessionRecord(c)
	if err != nil {
		return err
	}
	form, err := c.MultipartForm()
	var present []string
	if err == nil {
		present = form.Value["present"]
	} else {
		for _, v := range c.Context().PostArgs().PeekMulti("present") {
			present = append(present, string(v)) // string() copies Fiber's buffer
		}
	}
	for i := range present {
		present[i] = strings.Clone(strings.TrimSpace(present[i]))
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := h.DB.RecordAttendance(ctx, s.GroupCode, s.No, present); err != nil {
		return web.NewProblem(fiber.StatusUnprocessableEntity, "Some ticked codes are not codes of this group. Reload the page and try again.")
	}
	if err := h.audit(c, "attendance.record", s.GroupCode+"/"+strconv.Itoa(s.No), map[string]any{"present": len(present)}); err != nil {
		return err
	}
	return c.Redirect("/console/groups/"+s.GroupCode, fiber.StatusSeeOther)
}
