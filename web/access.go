package web

import "strings"

// Every route declares who may use it, as its Fiber route name, where it is registered; the
// route-walk test in cmd/peerpulse enumerates the app's routes, fails on any route without a
// decision, and checks each decision is enforced.
const (
	// AccessPublic routes serve anyone: attendees, assets, health probes, the sign-in page.
	AccessPublic = "public"
	// AccessCLI routes serve only peerpulse's own commands on the server's machine (CLIToken).
	AccessCLI = "cli"
	// accessStaff prefixes the roles of a staff route, e.g. "staff:admin,evaluator".
	accessStaff = "staff:"
	// accessCLISuffix marks a staff route that peerpulse's own commands may also use.
	accessCLISuffix = "+cli"
)

// StaffAccess is the decision for a route that staff with one of roles may use; withCLI also
// lets peerpulse's own commands in.
func StaffAccess(withCLI bool, roles ...string) string {
	s := accessStaff + strings.Join(roles, ",")
	if withCLI {
		s += accessCLISuffix
	}
	return s
}

// ParseAccess reads a route name back into its decision: public, CLI-only, or the staff roles
// allowed (and whether the CLI may also call it). ok is false for a route with no decision.
func ParseAccess(name string) (public bool, roles []string, cli bool, ok bool) {
	switch {
	case name == AccessPublic:
		return true, nil, false, true
	case name == AccessCLI:
		return false, nil, true, true
	case strings.HasPrefix(name, accessStaff):
		body, withCLI := strings.CutSuffix(strings.TrimPrefix(name, accessStaff), accessCLISuffix)
		if body == "" {
			return false, nil, false, false
		}
		return false, strings.Split(body, ","), withCLI, true
	}
	return false, nil, false, false
}
