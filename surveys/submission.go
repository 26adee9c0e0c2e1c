package surveys

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Submission is one questionnaire as an attendee (or the API) sends it.
type Submission struct {
	InviteToken     string
	ParticipantCode string
	Timepoint       string
	SessionNo       int // the session pulse only
	Answers         map[string]int
	Texts           map[string]string
	ClientID        string
	Profession      string
	CareerStage     string
}

// Result is what the attendee gets back: the id and scores of the stored response.
type Result struct {
	ResponseID      string
	ParticipantCode string
	Timepoint       string
	Scores          []ingest.ScaleScore
	// NeedsSupport is true when the answers cross the safeguarding thresholds (INSTRUMENTS.md §8).
	NeedsSupport bool
	// Duplicate is true when this client id was stored before: the original result is returned.
	Duplicate bool
}

// Professions and CareerStages are the coarse descriptors an attendee may give (ingest's lists).
var (
	Professions  = ingest.Professions
	CareerStages = ingest.CareerStages
)

// ValidationError lists what is wrong with a submission, field by field.
type ValidationError struct {
	Fields []instrument.FieldError
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("submission has %d invalid fields", len(e.Fields))
}

var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,64}$`)

// Submit validates, scores and durably stores a submission. It returns ErrUnknownInvite,
// ErrClosed, a *ValidationError, ingest.ErrQueueFull or ingest.ErrWriterClosed for the caller
// to map; anything else is an internal failure.
func (s *Service) Submit(ctx context.Context, sub Submission) (Result, error) {
	// A session pulse is addressed by its group's invite token and the session number.
	inv, err := s.Invite(ctx, sub.InviteToken)
	if err != nil {
		return Result{}, err
	}
	if inv.Closed {
		return Result{}, ErrClosed
	}
	code, fields := s.validate(&sub)
	if len(fields) > 0 {
		return Result{}, &ValidationError{Fields: fields}
	}
	scored, err := ingest.Score(s.set, ingest.Response{
		ClientID: sub.ClientID, GroupCode: inv.GroupCode, ParticipantCode: code, Timepoint: sub.Timepoint,
		SessionNo: sub.SessionNo, SubmittedAt: s.now().UTC(), Source: "web", Profession: sub.Profession,
		CareerStage: sub.CareerStage, Answers: sub.Answers, Texts: sub.Texts,
	})
	if err != nil {
		return Result{}, &ValidationError{Fields: []instrument.FieldError{{Field: "answers", Message: err.Error()}}}
	}
	stored, err := s.writer.Submit(ctx, scored)
	if err != nil {
		if errors.Is(err, ingest.ErrUnknownSession) {
			return Result{}, &ValidationError{Fields: []instrument.FieldError{{Field: "session_no", Message: "This group has no such session"}}}
		}
		return Result{}, err
	}
	res := Result{ResponseID: stored.ResponseID, ParticipantCode: code, Timepoint: sub.Timepoint,
		Scores: stored.Scales, Duplicate: stored.Duplicate}
	res.NeedsSupport = instrument.NeedsSupport(s.set, sub.Answers, toInstrumentScores(stored.Scales))
	return res, nil
}

func toInstrumentScores(scales []ingest.ScaleScore) []instrument.Score {
	out := make([]instrument.Score, len(scales))
	for i, sc := range scales {
		out[i] = instrument.Score{Scale: sc.Scale, Value: sc.Score, Valid: sc.Valid, Answered: sc.Answered}
	}
	return out
}

// validate checks everything that does not need the database, and returns the normalised code.
func (s *Service) validate(sub *Submission) (string, []instrument.FieldError) {
	var fields []instrument.FieldError
	add := func(field, format string, args ...any) {
		fields = append(fields, instrument.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !clientIDPattern.MatchString(sub.ClientID) {
		add("client_id", "Give a client id of 8 to 64 letters, digits or . _ : -, the same on every retry")
	}
	code, msg := NormaliseCode(sub.ParticipantCode)
	if msg != "" {
		add("participant_code", "%s", msg)
	}
	if !slices.Contains(Timepoints, sub.Timepoint) {
		add("timepoint", "Timepoint must be one of pre, post, followup or session")
		return code, fields
	}
	switch {
	case sub.Timepoint == "session" && sub.SessionNo < 1:
		add("session_no", "Give the session number for a session pulse")
	case sub.Timepoint != "session" && sub.SessionNo != 0:
		add("session_no", "A session number goes only with the session timepoint")
	}
	if sub.Profession != "" && !slices.Contains(Professions, sub.Profession) {
		add("profession", "Profession must be one of %q", Professions)
	}
	if sub.CareerStage != "" && !slices.Contains(CareerStages, sub.CareerStage) {
		add("career_stage", "Career stage must be one of %q", CareerStages)
	}
	fields = append(fields, s.validateAnswers(sub)...)
	return code, fields
}

func (s *Service) validateAnswers(sub *Submission) []instrument.FieldError {
	var fields []instrument.FieldError
	if len(sub.Answers) == 0 {
		return append(fields, instrument.FieldError{Field: "answers", Message: "Answer at least one question"})
	}
	// Group by instrument so each instrument checks its own answers once.
	answers := map[*instrument.Instrument]map[string]int{}
	texts := map[*instrument.Instrument]map[string]string{}
	for _, id := range sortedKeys(sub.Answers) {
		in, ok := s.plan.asks(sub.Timepoint, id)
		if !ok {
			fields = append(fields, instrument.FieldError{Field: "answers." + id, Message: fmt.Sprintf("%q is not a question asked at %s", id, sub.Timepoint)})
			continue
		}
		if answers[in] == nil {
			answers[in] = map[string]int{}
		}
		answers[in][id] = sub.Answers[id]
	}
	for _, id := range sortedKeys(sub.Texts) {
		in, ok := s.plan.asks(sub.Timepoint, id)
		switch {
		case !ok:
			fields = append(fields, instrument.FieldError{Field: "texts." + id, Message: fmt.Sprintf("%q is not a free-text question asked at %s", id, sub.Timepoint)})
		case !utf8.ValidString(sub.Texts[id]):
			fields = append(fields, instrument.FieldError{Field: "texts." + id, Message: "Text must be valid UTF-8"})
		default:
			if texts[in] == nil {
				texts[in] = map[string]string{}
			}
			texts[in][id] = sub.Texts[id]
		}
	}
	for _, in := range s.plan[sub.Timepoint] {
		for _, fe := range in.ValidateAnswers(answers[in]) {
			fields = append(fields, instrument.FieldError{Field: "answers." + fe.Field, Message: fe.Message})
		}
		if texts[in] != nil {
			for _, fe := range in.ValidateText(texts[in]) {
				fields = append(fields, instrument.FieldError{Field: "texts." + fe.Field, Message: fe.Message})
			}
		}
	}
	return fields
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
