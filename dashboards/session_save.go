package dashboards

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// sessionForm is the record-a-session form as typed.
type sessionForm struct {
	Group                             string
	No                                int // 0 for a new session
	Date, Duration, FacMinutes, Topic string
	Errors                            web.FieldErrors
}

func parseSessionForm(c *fiber.Ctx) sessionForm {
	v := func(k string) string { return strings.Clone(strings.TrimSpace(c.FormValue(k))) }
	return sessionForm{Group: strings.Clone(c.Params("group")), Date: v("date"), Duration: v("duration"),
		FacMinutes: v("facilitator_minutes"), Topic: v("topic")}
}

func (f *sessionForm) validate() ingest.Session {
	s := ingest.Session{GroupCode: f.Group, No: f.No, Topic: f.Topic}
	d, err := time.Parse(time.DateOnly, f.Date)
	if err != nil {
		f.Errors.Add("date", "Enter the date of the session, like 2026-03-12")
	}
	s.Date = d
	number := func(field, text string, lo, hi int, msg string) int {
		n, err := strconv.Atoi(text)
		if err != nil || n < lo || n > hi {
			f.Errors.Add(field, msg)
		}
		return n
	}
	s.DurationMinutes = number("duration", f.Duration, 1, 1440, "Enter how long the session lasted in minutes, like 90")
	s.FacilitatorMinutes = number("facilitator_minutes", f.FacMinutes, 0, 1440,
		"Enter the facilitator minutes as a whole number from 0 to 1440, including preparation if the budget counts it")
	if len(f.Topic) > 200 {
		f.Errors.Add("topic", "Keep the topic to 200 characters, and leave out anything that could identify a person")
	}
	return s
}

// sessionNew is GET /console/groups/:group/sessions/new.
func (h *handler) sessionNew(c *fiber.Ctx) error {
	if _, err := h.groupRecord(c); err != nil {
		return err
	}
	f := sessionForm{Group: c.Params("group"), Date: time.Now().UTC().Format(time.DateOnly), Duration: "90", FacMinutes: "90"}
	return h.renderSessionForm(c, fiber.StatusOK, f)
}

// sessionCreate is POST /console/groups/:group/sessions: the next session number.
func (h *handler) sessionCreate(c *fiber.Ctx) error {
	return h.saveSession(c, parseSessionForm(c))
}

// sessionEdit is GET /console/groups/:group/sessions/:no/edit.
func (h *handler) sessionEdit(c *fiber.Ctx) error {
	s, err := h.sessionRecord(c)
	if err != nil {
		return err
	}
	f := sessionForm{Group: s.GroupCode, No: s.No, Date: s.Date.Format(time.DateOnly), Duration: strconv.Itoa(s.DurationMinutes),
		FacMinutes: strconv.Itoa(s.FacilitatorMinutes), Topic: s.Topic}
	return h.renderSessionForm(c, fiber.StatusOK, f)
}

// sessionUpdate is POST /console/groups/:group/sessions/:no/edit.
func (h *handler) sessionUpdate(c *fiber.Ctx) error {
	s, err := h.sessionRecord(c)
	if err != nil {
		return err
	}
	f := parseSessionForm(c)
	f.No = s.No
	return h.saveSession(c, f)
}

func (h *handler) saveSession(c *fiber.Ctx, f sessionForm) error {
	s := f.validate()
	if len(f.Errors) > 0 {
		return h.renderSessionForm(c, fiber.StatusUnprocessableEntity, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	no, err := h.DB.SaveSession(ctx, s)
	if errors.Is(err, ingest.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	action := "session.update"
	if f.No == 0 {
		action = "session.create"
	}
	if err := h.audit(c, action, f.Group+"/"+strconv.Itoa(no), map[string]any{"date": f.Date,
		"duration_minutes": s.DurationMinutes, "facilitator_minutes": s.FacilitatorMinutes}); err != nil {
		return err
	}
	return c.Redirect("/console/groups/"+f.Group, fiber.StatusSeeOther)
}

func (h *handler) renderSessionForm(c *fiber.Ctx, status int, f sessionForm) error {
	title := "Record a session"
	if f.No != 0 {
		title = "Change session " + strconv.Itoa(f.No)
	}
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	return h.views.Render(c, status, "session_form", web.Page{Title: title, Data: f})
}

// sessionRecord reads the session named by the route's :group and :no, or 404.
func (h *handler) sessionRecord(c *fiber.Ctx) (ingest.SessionRecord, error) {
	no, err := strconv.Atoi(c.Params("no"))
	if err != nil {
		return ingest.SessionRecord{}, fiber.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	sessions, err := h.DB.SessionRecords(ctx, c.Params("group"))
	if err != nil {
		return ingest.SessionRecord{}, err
	}
	for _, s := range sessions {
		if s.No == no {
			return s, nil
		}
	}
	return ingest.SessionRecord{}, fiber.ErrNotFound
}

// sessionQR is GET /console/groups/:group/sessions/:no/qr: a poster of the session's feedback
// (pulse) link, also a way to re-share the survey with those who have not answered yet.
func (h *handler) sessionQR(c *fiber.Ctx) error {
	s, err := h.sessionRecord(c)
	if err != nil {
		return err
	}
	return h.renderQR(c, qrPage{Heading: "Session " + strconv.Itoa(s.No) + " feedback",
		Lede: "Scan to tell us how today's session went: three questions, anonymous. If you have not answered the main questionnaire yet, you can start it from there too.",
		URL:  h.publicURL(c, "/p/"+s.PulseToken), Back: "/console/groups/" + s.GroupCode})
}
