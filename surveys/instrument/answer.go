package instrument

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldError is a problem with the answer to one item or text field, keyed
// by its id so a form can show the message beside the question.
type FieldError struct {
	Field   string // item or text field id
	Message string // safe to show to the respondent
}

// Error implements error.
func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Points returns the points for answer code (1..N), mirrored for reversed
// items as lowest+highest−points, which is 100 − (code − 1) × 25 for the CBI
// and 10 − (code − 1) × 2.5 for NSS morale.
func (it *Item) Points(code int) (float64, error) {
	if err := it.checkCode(code); err != nil {
		return 0, err
	}
	p := it.Options.Points[code-1]
	if it.Reversed {
		lo, hi := bounds(it.Options.Points)
		p = lo + hi - p
	}
	return p, nil
}

func (it *Item) checkCode(code int) error {
	if code < 1 || code > it.Options.Len() {
		return fmt.Errorf("item %q: code %d is outside 1..%d", it.ID, code, it.Options.Len())
	}
	return nil
}

// ParseAnswer reads an answer as given on a form or in an import: a code
// "1".."N", or an option label matched case-insensitively after trimming and
// collapsing inner whitespace. A blank answer is not answered (ok false, err
// nil). Labels must match whole, so "Never" is not "Never/almost never".
func (it *Item) ParseAnswer(raw string) (code int, ok bool, err error) {
	s := normalise(raw)
	if s == "" {
		return 0, false, nil
	}
	if codePattern.MatchString(s) {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || it.checkCode(n) != nil {
			return 0, false, fmt.Errorf("item %q: code %s is outside 1..%d", it.ID, s, it.Options.Len())
		}
		return n, true, nil
	}
	for i, label := range it.Options.Labels {
		if strings.EqualFold(s, normalise(label)) {
			return i + 1, true, nil
		}
	}
	return 0, false, fmt.Errorf("item %q: %q is not an option; give a code 1..%d or one of %s",
		it.ID, strings.TrimSpace(raw), it.Options.Len(), quoteAll(it.Options.Labels))
}

// normalise trims s and collapses runs of whitespace (including the
// non-breaking spaces spreadsheets like to insert) into single spaces.
func normalise(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func quoteAll(labels []string) string {
	q := make([]string, len(labels))
	for i, l := range labels {
		q[i] = strconv.Quote(l)
	}
	return strings.Join(q, ", ")
}

// ValidateAnswers reports, per item, answers that are not items of this
// instrument or whose code is out of range. Unanswered items are fine: every
// item is optional and scales carry their own minimum. Errors come in item
// order, then unknown ids sorted, so forms and tests see a stable list.
func (in *Instrument) ValidateAnswers(answers map[string]int) []FieldError {
	var errs []FieldError
	for i := range in.Items {
		it := &in.Items[i]
		if code, given := answers[it.ID]; given && it.checkCode(code) != nil {
			errs = append(errs, FieldError{it.ID, fmt.Sprintf("choose one of the %d options", it.Options.Len())})
		}
	}
	for _, id := range in.unknownItems(answers) {
		errs = append(errs, FieldError{id, "is not a question of " + in.Title})
	}
	return errs
}

// unknownItems returns the sorted keys of answers that are not items here.
func (in *Instrument) unknownItems(answers map[string]int) []string {
	var ids []string
	for id := range answers {
		if _, ok := in.itemIdx[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// ValidateText reports free-text values that are too long or do not belong
// to a text field of this instrument. Length counts characters, not bytes,
// so accented names and emoji are not penalised.
func (in *Instrument) ValidateText(values map[string]string) []FieldError {
	var errs []FieldError
	for _, f := range in.TextFields {
		if n := utf8.RuneCountInString(values[f.ID]); n > f.MaxLength {
			errs = append(errs, FieldError{f.ID, fmt.Sprintf("is %d characters; the limit is %d", n, f.MaxLength)})
		}
	}
	var unknown []string
	for id := range values {
		if _, ok := in.textIdx[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		errs = append(errs, FieldError{id, "is not a field of " + in.Title})
	}
	return errs
}
