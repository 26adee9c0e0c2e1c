package surveys

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/peerpulse/peerpulse/web"
)

// The validators below are pure: they look only at the form and the page, so every rule can
// be tested without a database or a request. Each error's Field is the id of the input the
// error summary links to (for radios, the first radio of the question).

// validateTimepoint checks the choice on the "when" page.
func validateTimepoint(plans map[string][]surveyPage, tp string) []web.FieldError {
	if len(plans[tp]) == 0 {
		return []web.FieldError{{Field: "tp", Message: "Select when you are answering"}}
	}
	return nil
}

// validatePage checks one questionnaire page: every question must be answered, unless the
// person ticked the skip option of a skippable scale; the About page is optional but its
// answers must come from the lists; free text must fit its limit.
func validatePage(p *surveyPage, f *surveyForm) []web.FieldError {
	var errs []web.FieldError
	if p.About {
		if f.Profession != "" && !slices.Contains(Professions, f.Profession) {
			errs = append(errs, web.FieldError{Field: "profession", Message: "Select your profession from the list"})
		}
		if f.CareerStage != "" && !slices.Contains(CareerStages, f.CareerStage) {
			errs = append(errs, web.FieldError{Field: "career_stage", Message: "Select your career stage from the list"})
		}
		return errs
	}
	skipped := p.skippable() && f.Skipped[p.Scale.ID]
	for _, it := range p.Items {
		if _, ok := f.Answers[it.ID]; !ok && !skipped {
			errs = append(errs, web.FieldError{Field: it.ID, Message: fmt.Sprintf("Select an answer to “%s”", it.Text)})
		}
	}
	for _, t := range p.Texts {
		errs = append(errs, validateText(t.ID, t.MaxLength, f.Texts[t.ID])...)
	}
	return errs
}

// validateText checks a free-text answer against its limit, counted in characters as the
// service counts them.
func validateText(id string, maxLength int, v string) []web.FieldError {
	if n := utf8.RuneCountInString(v); n > maxLength {
		return []web.FieldError{{Field: id, Message: fmt.Sprintf("Your answer must be %d characters or fewer (it has %d)", maxLength, n)}}
	}
	return nil
}

// firstInvalidPage returns the index of the first page with errors, and its errors, or -1.
// The final submit checks every page, because the hidden answers of earlier pages come back
// from the browser and may have been lost or altered on the way.
func firstInvalidPage(pages []surveyPage, f *surveyForm) (int, []web.FieldError) {
	for i := range pages {
		if errs := validatePage(&pages[i], f); len(errs) > 0 {
			return i, errs
		}
	}
	return -1, nil
}

// validateConsent checks the consent step of the landing page.
func validateConsent(consent bool) []web.FieldError {
	if !consent {
		return []web.FieldError{{Field: "consent", Message: "Tick “I agree to take part” to start, or close this page if you do not want to take part"}}
	}
	return nil
}

// validateCodeFormat reads a typed participant code; the database check comes after.
func validateCodeFormat(raw string) (string, []web.FieldError) {
	code, msg := NormaliseCode(raw)
	if msg != "" {
		return "", []web.FieldError{{Field: "code", Message: msg}}
	}
	return code, nil
}

// unknownCodeError is the message for a well-formed code the group does not hold.
var unknownCodeError = web.FieldError{Field: "code",
	Message: "We cannot find this code in this group. Check it, or start as a new participant"}

// validatePulse checks the session pulse: its questions are optional, as the pulse says, but
// a pulse with no answer at all says nothing and is not stored.
func validatePulse(p *surveyPage, f *surveyForm) []web.FieldError {
	var errs []web.FieldError
	if len(f.Answers) == 0 && len(p.Items) > 0 {
		errs = append(errs, web.FieldError{Field: p.Items[0].ID, Message: "Answer at least one of the questions"})
	}
	for _, t := range p.Texts {
		errs = append(errs, validateText(t.ID, t.MaxLength, f.Texts[t.ID])...)
	}
	return errs
}
