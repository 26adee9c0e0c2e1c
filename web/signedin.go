package web

import "github.com/gofiber/fiber/v2"

// SignedIn is what the shared header shows of the staff member using a page: who they are and
// where they may go. It carries no permissions: the routes' own checks decide those.
type SignedIn struct {
	Email string
	Role  string
	Links []NavLink
}

// NavLink is one link of the staff navigation.
type NavLink struct {
	Href, Text string
}

const signedInKey localsKey = "web.signed-in"

// SetSignedIn records who is using this request's page, for the header.
func SetSignedIn(c *fiber.Ctx, s *SignedIn) { c.Locals(signedInKey, s) }
