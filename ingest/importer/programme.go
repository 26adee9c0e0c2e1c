package importer

import (
	"regexp"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/tabular"
)

var groupCodePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

var groupColumns = []string{"group_code", "name", "modality", "region", "profession", "cadence", "facilitator",
	"planned_sessions", "facilitator_minutes_budget", "capacity"}

// groupRow validates one row of groups.csv (FORMATS.md).
func groupRow(c columns, row tabular.Row, e *rowErrors) ingest.Group {
	g := ingest.Group{Code: c.get(row, "group_code"), Name: c.get(row, "name"), Region: c.get(row, "region"),
		Profession: c.get(row, "profession"), Facilitator: c.get(row, "facilitator"),
		PlannedSessions: 10, FacilitatorMinutesBudget: 900, Capacity: 12}
	switch {
	case g.Code == "":
		e.add("group_code", g.Code, "is required")
	case !groupCodePattern.MatchString(g.Code):
		e.add("group_code", g.Code, "must be up to 32 letters, digits, - or _")
	}
	if g.Name == "" {
		e.add("name", g.Name, "is required")
	}
	mod := c.get(row, "modality")
	if m, ok := oneOf(mod, ingest.Modalities); ok {
		g.Modality = m
	} else {
		e.add("modality", mod, "must be one of %s", strings.Join(ingest.Modalities, ", "))
	}
	if v := c.get(row, "cadence"); v != "" {
		if m, ok := oneOf(v, ingest.Cadences); ok {
			g.Cadence = m
		} else {
			e.add("cadence", v, "must be one of %s", strings.Join(ingest.Cadences, ", "))
		}
	}
	for _, f := range []struct {
		col    string
		dst    *int
		lo, hi int
	}{{"planned_sessions", &g.PlannedSessions, 1, 200}, {"facilitator_minutes_budget", &g.FacilitatorMinutesBudget, 0, 1_000_000}, {"capacity", &g.Capacity, 1, 1000}} {
		if v := c.get(row, f.col); v != "" {
			n, err := parseInt(v, f.lo, f.hi)
			if err != nil {
				e.add(f.col, v, "%v", err)
			}
			*f.dst = n
		}
	}
	return g
}

var sessionColumns = []string{"group_code", "session_no", "session_date", "duration_minutes", "facilitator_minutes", "topic"}

// sessionRow validates one row of sessions.csv; knownGroup says whether a group code exists in
// the database or in the groups file of the same import.
func sessionRow(c columns, row tabular.Row, e *rowErrors, knownGroup func(string) bool) ingest.Session {
	s := ingest.Session{GroupCode: c.get(row, "group_code"), Topic: c.get(row, "topic"), DurationMinutes: 90}
	if !knownGroup(s.GroupCode) {
		e.add("group_code", s.GroupCode, "unknown group")
	}
	no := c.get(row, "session_no")
	if n, err := parseInt(no, 1, 200); err != nil {
		e.add("session_no", no, "%v", err)
	} else {
		s.No = n
	}
	date := c.get(row, "session_date")
	if d, err := parseDate(date); err != nil {
		e.add("session_date", date, "%v", err)
	} else {
		s.Date = d
	}
	if v := c.get(row, "duration_minutes"); v != "" {
		n, err := parseInt(v, 1, 1440)
		if err != nil {
			e.add("duration_minutes", v, "%v", err)
		}
		s.DurationMinutes = n
	}
	s.FacilitatorMinutes = s.DurationMinutes
	if v := c.get(row, "facilitator_minutes"); v != "" {
		n, err := parseInt(v, 0, 1440)
		if err != nil {
			e.add("facilitator_minutes", v, "%v", err)
		}
		s.FacilitatorMinutes = n
	}
	return s
}

var attendanceColumns = []string{"group_code", "session_no", "participant_code", "attended"}

// attendanceRow validates one row of attendance.csv; knownSession says whether the session
// exists in the database or in the sessions file of the same import.
func attendanceRow(c columns, row tabular.Row, e *rowErrors, knownSession func(string, int) bool) (ingest.Attendance, bool) {
	a := ingest.Attendance{GroupCode: c.get(row, "group_code"), ParticipantCode: normaliseCode(c.get(row, "participant_code"))}
	no := c.get(row, "session_no")
	n, err := parseInt(no, 1, 200)
	if err != nil {
		e.add("session_no", no, "%v", err)
	} else if a.SessionNo = n; !knownSession(a.GroupCode, n) {
		e.add("session_no", no, "group %s has no session %d", a.GroupCode, n)
	}
	if a.ParticipantCode == "" || len(a.ParticipantCode) > 64 {
		e.add("participant_code", c.get(row, "participant_code"), "must be 1 to 64 characters")
	}
	v := c.get(row, "attended")
	att, err := parseBool(v)
	if err != nil {
		e.add("attended", v, "%v", err)
	}
	a.Attended = att
	return a, e.ok()
}
