package web

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// MIMEProblemJSON is the media type of an RFC 9457 problem document.
const MIMEProblemJSON = "application/problem+json"

// Problem is an RFC 9457 problem detail. Handlers return it as an error; ErrorHandler
// writes it as application/problem+json for programs, or as a friendly page for people.
// Detail and Errors are shown to the client, so they must be written for the user and
// never carry internal error text.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// RetryAfter, in seconds, becomes a Retry-After header (for 429 and 503).
	RetryAfter int `json:"-"`
}

// FieldError says what is wrong with one form or JSON field. Field is the id of the
// input, so the error summary can link to it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// NewProblem returns a Problem of the given HTTP status, titled with the standard status
// text and typed "about:blank" as RFC 9457 asks when no more specific type exists.
func NewProblem(status int, detail string, errs ...FieldError) *Problem {
	return &Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Errors: errs,
	}
}

// ValidationProblem returns a 422 Problem listing what is wrong with each field.
func ValidationProblem(errs ...FieldError) *Problem {
	return NewProblem(fiber.StatusUnprocessableEntity, "Some answers need correcting.", errs...)
}

// TooManyRequests returns a 429 Problem that tells the client when to try again.
func TooManyRequests(retryAfterSeconds int) *Problem {
	p := NewProblem(fiber.StatusTooManyRequests, "Too many requests, try again in a minute.")
	p.RetryAfter = retryAfterSeconds
	return p
}

// Error implements error, so handlers can return a *Problem directly.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Title + ": " + p.Detail
}

// problemFor maps any handler error to the Problem the client will see. It returns a
// copy, so a Problem shared between requests is never modified, and hides the text of
// errors that are not meant for clients.
func problemFor(err error) Problem {
	var p Problem
	var prob *Problem
	var ferr *fiber.Error
	switch {
	case errors.As(err, &prob):
		p = *prob
	case errors.As(err, &ferr):
		p = *NewProblem(ferr.Code, "")
		// Fiber's own 4xx messages are safe ("Cannot GET /x"); 5xx ones may not be.
		if ferr.Code < 500 && ferr.Message != http.StatusText(ferr.Code) {
			p.Detail = ferr.Message
		}
	default:
		return *NewProblem(fiber.StatusInternalServerError, "")
	}
	if p.Status < 400 || p.Status > 599 {
		p.Status = fiber.StatusInternalServerError
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	return p
}
