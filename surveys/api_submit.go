package surveys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// maxSubmissionBytes bounds one submission: the longest questionnaire with a full comment is a
// few kilobytes, so anything near this is not a questionnaire.
const maxSubmissionBytes = 64 << 10

// submissionJSON is the body of POST /api/v1/responses (see openapi.json).
type submissionJSON struct {
	InviteToken     string                     `json:"invite_token"`
	ParticipantCode string                     `json:"participant_code"`
	Timepoint       string                     `json:"timepoint"`
	SessionNo       int                        `json:"session_no,omitempty"`
	Answers         map[string]json.RawMessage `json:"answers"`
	Texts           map[string]string          `json:"texts,omitempty"`
	ClientID        string                     `json:"client_id"`
	Profession      string                     `json:"profession,omitempty"`
	CareerStage     string                     `json:"career_stage,omitempty"`
}

// resultJSON is the body of a 201 or 200 answer.
type resultJSON struct {
	ResponseID      string      `json:"response_id"`
	ParticipantCode string      `json:"participant_code"`
	Timepoint       string      `json:"timepoint"`
	Scores          []scoreJSON `json:"scores"`
	NeedsSupport    bool        `json:"needs_support"`
}

type scoreJSON struct {
	Scale    string   `json:"scale"`
	Score    *float64 `json:"score"`
	Answered int      `json:"answered"`
}

// apiSubmit is POST /api/v1/responses: 201 with the stored result, 200 with the original
// result when the client id was stored before.
func (h *handler) apiSubmit(c *fiber.Ctx) error {
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEApplicationJSON {
		return web.NewProblem(fiber.StatusUnsupportedMediaType, "Send the submission as application/json.")
	}
	if len(c.Body()) > maxSubmissionBytes {
		return web.NewProblem(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("A submission is at most %d KB.", maxSubmissionBytes>>10))
	}
	var in submissionJSON
	if err := decodeStrict(c.Body(), &in); err != nil {
		return err
	}
	answers, err := answerCodes(in.Answers)
	if err != nil {
		return err
	}
	res, err := h.svc.Submit(c.UserContext(), Submission{
		InviteToken: in.InviteToken, ParticipantCode: in.ParticipantCode, Timepoint: in.Timepoint,
		SessionNo: in.SessionNo, Answers: answers, Texts: in.Texts, ClientID: in.ClientID,
		Profession: in.Profession, CareerStage: in.CareerStage,
	})
	if err != nil {
		return submitProblem(err)
	}
	status := fiber.StatusCreated
	if res.Duplicate {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(toResultJSON(res))
}

// answerCodes reads each answer as a whole JSON number, so that a wrong type names its item
// (encoding/json reports only "answers" for a bad map value).
func answerCodes(raw map[string]json.RawMessage) (map[string]int, error) {
	answers := make(map[string]int, len(raw))
	var bad []web.FieldError
	for _, id := range sortedKeys(raw) {
		var code int
		if err := json.Unmarshal(raw[id], &code); err != nil || code < 0 {
			bad = append(bad, web.FieldError{Field: "answers." + id, Message: fmt.Sprintf("expected an answer code (a whole number), got %.40s", raw[id])})
			continue
		}
		answers[id] = code
	}
	if len(bad) > 0 {
		return nil, web.NewProblem(fiber.StatusBadRequest, "An answer has the wrong type.", bad...)
	}
	return answers, nil
}

func toResultJSON(res Result) resultJSON {
	out := resultJSON{ResponseID: res.ResponseID, ParticipantCode: res.ParticipantCode, Timepoint: res.Timepoint,
		NeedsSupport: res.NeedsSupport, Scores: make([]scoreJSON, 0, len(res.Scores))}
	for _, s := range res.Scores {
		sj := scoreJSON{Scale: s.Scale, Answered: s.Answered}
		if s.Valid {
			v := s.Score
			sj.Score = &v
		}
		out.Scores = append(out.Scores, sj)
	}
	return out
}

// decodeStrict decodes exactly one JSON object with no unknown fields, turning every failure
// into a 400 that names the field where it can.
func decodeStrict(body []byte, v any) error {
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, storing text the person did
	// not write: refuse it instead. Checked here, not in the handler, so that the fuzz target
	// (which calls decodeStrict) covers the refusal too.
	if !utf8.Valid(body) {
		return web.NewProblem(fiber.StatusBadRequest, "The body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return web.NewProblem(fiber.StatusBadRequest, "The body must hold exactly one JSON object.")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "(body)"
		}
		return web.NewProblem(fiber.StatusBadRequest, "A field has the wrong type.",
			web.FieldError{Field: field, Message: fmt.Sprintf("expected %s, got JSON %s", typeErr.Type, typeErr.Value)})
	case errors.As(err, &syntaxErr):
		return web.NewProblem(fiber.StatusBadRequest, fmt.Sprintf("The body is not valid JSON (at byte %d).", syntaxErr.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return web.NewProblem(fiber.StatusBadRequest, "The body has a field this API does not know.",
			web.FieldError{Field: field, Message: "unknown field"})
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return web.NewProblem(fiber.StatusBadRequest, "The body is empty or cut short.")
	}
	return web.NewProblem(fiber.StatusBadRequest, "The body could not be read as a submission.")
}

// submitProblem maps the domain's errors to RFC 9457 problems.
func submitProblem(err error) error {
	var verr *ValidationError
	switch {
	case errors.As(err, &verr):
		return web.ValidationProblem(fieldErrors(verr.Fields)...)
	case errors.Is(err, ErrUnknownInvite):
		return web.NewProblem(fiber.StatusNotFound, "No group has this invite token.", web.FieldError{Field: "invite_token", Message: "unknown invite token"})
	case errors.Is(err, ErrClosed):
		return web.NewProblem(fiber.StatusGone, "This group's survey has closed.")
	case errors.Is(err, ingest.ErrQueueFull), errors.Is(err, ingest.ErrWriterClosed):
		p := web.NewProblem(fiber.StatusServiceUnavailable, "The service is busy. Send the same submission again shortly; it will be stored once.")
		p.RetryAfter = 1
		return p
	}
	return fmt.Errorf("submit: %w", err)
}

func fieldErrors(fe []instrument.FieldError) []web.FieldError {
	out := make([]web.FieldError, len(fe))
	for i, f := range fe {
		out[i] = web.FieldError{Field: f.Field, Message: f.Message}
	}
	return out
}
