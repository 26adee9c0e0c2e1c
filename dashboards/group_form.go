package dashboards

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// groupForm is the add/edit group form as typed; numbers stay text until validated so the
// page can show back exactly what was entered.
type groupForm struct {
	Code, Name, Modality, Region, Profession, Cadence, Facilitator string
	PlannedSessions, Budget, Capacity                              string
	Errors                                                         web.FieldErrors
	Editing                                                        bool
	Modalities, Cadences                                           []string
}

var groupCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func newGroupForm() groupForm {
	return groupForm{PlannedSessions: "10", Budget: "900", Capacity: "12", Modalities: ingest.Modalities, Cadences: ingest.Cadences}
}

func groupFormOf(g ingest.GroupRecord) groupForm {
	f := newGroupForm()
	f.Code, f.Name, f.Modality, f.Region, f.Profession, f.Cadence, f.Facilitator = g.Code, g.Name, g.Modality, g.Region, g.Profession, g.Cadence, g.Facilitator
	f.PlannedSessions, f.Budget, f.Capacity = strconv.Itoa(g.PlannedSessions), strconv.Itoa(g.FacilitatorMinutesBudget), strconv.Itoa(g.Capacity)
	f.Editing = true
	return f
}

// parseGroupForm copies the posted fields (Fiber reuses their memory).
func parseGroupForm(c *fiber.Ctx) groupForm {
	f := newGroupForm()
	v := func(k string) string { return strings.Clone(strings.TrimSpace(c.FormValue(k))) }
	f.Code, f.Name, f.Modality, f.Region, f.Profession, f.Cadence, f.Facilitator = v("code"), v("name"), v("modality"), v("region"), v("profession"), v("cadence"), v("facilitator")
	f.PlannedSessions, f.Budget, f.Capacity = v("planned_sessions"), v("budget"), v("capacity")
	return f
}

// validate checks the form and returns the group it describes; errors are on f.Errors, in
// the order the fields appear.
func (f *groupForm) validate() ingest.Group {
	if !f.Editing && !groupCodeRE.MatchString(f.Code) {
		f.Errors.Add("code", "Enter a code of 1 to 32 letters, numbers, hyphens or underscores, like MC-01")
	}
	if f.Name == "" || len(f.Name) > 200 {
		f.Errors.Add("name", "Enter the group's name, up to 200 characters")
	}
	if !slices.Contains(ingest.Modalities, f.Modality) {
		f.Errors.Add("modality", "Select the kind of group")
	}
	if f.Cadence != "" && !slices.Contains(ingest.Cadences, f.Cadence) {
		f.Errors.Add("cadence", "Select how often the group meets")
	}
	g := ingest.Group{Code: f.Code, Name: f.Name, Modality: f.Modality, Region: f.Region, Profession: f.Profession,
		Cadence: f.Cadence, Facilitator: f.Facilitator}
	g.PlannedSessions = f.number("planned_sessions", f.PlannedSessions, 1, 200, "Enter the number of planned sessions, from 1 to 200")
	g.FacilitatorMinutesBudget = f.number("budget", f.Budget, 0, 100000, "Enter the facilitator minutes budget as a whole number, like 900")
	g.Capacity = f.number("capacity", f.Capacity, 1, 1000, "Enter how many people the group can take, from 1 to 1000")
	return g
}

func (f *groupForm) number(field, text string, lo, hi int, msg string) int {
	n, err := strconv.Atoi(text)
	if err != nil || n < lo || n > hi {
		f.Errors.Add(field, msg)
		return 0
	}
	return n
}
