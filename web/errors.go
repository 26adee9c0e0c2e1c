package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// errorPage is the Data of web's "error" page.
type errorPage struct {
	Paragraphs []string
	Errors     []FieldError
}

// ErrorHandler turns every error a handler returns into a response. Programs (paths
// under /api/, or clients that prefer JSON to HTML) get an RFC 9457 problem+json body;
// people get a friendly page rendered by views (nil means web's own pages only).
// *Problem and *fiber.Error keep their status; any other error is a 500 whose text is
// logged, never shown. The log names method, path and status, never the query string
// or the client's address: attendees are anonymous.
func ErrorHandler(log *slog.Logger, views *Views) fiber.ErrorHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if views == nil {
		views = mustWebViews()
	}
	return func(c *fiber.Ctx, err error) error {
		p := problemFor(err)
		if p.Status >= fiber.StatusInternalServerError {
			log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
				slog.String("method", c.Method()),
				slog.String("path", c.Path()),
				slog.Int("status", p.Status),
				slog.String("request_id", requestID(c)),
				slog.String("error", err.Error()))
		}
		prepareErrorResponse(c, p)
		if wantsProblem(c) {
			return sendProblem(c, p)
		}
		var asProblem *Problem
		title, paras := friendlyText(p, errors.As(err, &asProblem))
		page := Page{Title: title, Data: errorPage{Paragraphs: paras, Errors: p.Errors}}
		if rerr := views.Render(c, p.Status, "error", page); rerr != nil {
			log.LogAttrs(c.UserContext(), slog.LevelError, "render error page",
				slog.String("path", c.Path()), slog.String("error", rerr.Error()))
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(p.Status).SendString(title)
		}
		return nil
	}
}

// prepareErrorResponse undoes what a failed handler may have set for a success: an error
// must never be cached or claim to be compressed. Errors raised before any middleware
// ran (a body over the limit) still get the security headers here.
func prepareErrorResponse(c *fiber.Ctx, p Problem) {
	if c.Locals(NonceKey) == nil {
		setSecurityHeaders(c)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderContentEncoding)
	c.Response().Header.Del(fiber.HeaderETag)
	if p.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(p.RetryAfter))
	}
}

// wantsProblem tells programs from people: API paths always get JSON, as does any client
// whose best match is JSON. Browsers ask for text/html first, and so get a page.
func wantsProblem(c *fiber.Ctx) bool {
	if IsAPI(c) {
		return true
	}
	switch c.Accepts(fiber.MIMETextHTML, MIMEProblemJSON, fiber.MIMEApplicationJSON) {
	case MIMEProblemJSON, fiber.MIMEApplicationJSON:
		return true
	}
	return false
}

func sendProblem(c *fiber.Ctx, p Problem) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, MIMEProblemJSON)
	return c.Status(p.Status).Send(body)
}

// friendlyText is the heading and explanation a person sees. Detail is shown only when
// it comes from a *Problem, which our own code wrote for the user.
func friendlyText(p Problem, ours bool) (string, []string) {
	switch {
	case p.Status == fiber.StatusNotFound:
		return "Page not found", []string{
			"If you typed the web address, check it is correct.",
			"If you pasted the web address, check you copied the entire address.",
		}
	case p.Status == fiber.StatusUnauthorized || p.Status == fiber.StatusForbidden:
		if ours && p.Detail != "" {
			return "You cannot do this here", []string{p.Detail}
		}
		return "You cannot view this page", []string{"You may need to sign in again."}
	case p.Status == fiber.StatusRequestEntityTooLarge:
		return "The information you sent is too large", []string{"Go back and try sending less."}
	case p.Status == fiber.StatusTooManyRequests:
		return "Too many requests, try again in a minute", nil
	case p.Status >= fiber.StatusInternalServerError:
		return "Sorry, there is a problem with the service", []string{"Try again later."}
	}
	var paras []string
	if ours && p.Detail != "" {
		paras = append(paras, p.Detail)
	}
	return "There is a problem with your request", paras
}
