package surveys

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// The views below are what the partials in templates/partials render. They are built in Go
// so the templates stay free of logic, and each builder is tested without a browser.

// radiosView is one question answered with radios: a fieldset whose legend is the question.
type radiosView struct {
	ID      string // id of the first radio, which the error summary links to
	Name    string
	Legend  string
	Hint    string
	Error   string
	Heading bool // the question is the page's heading (a one-question page)
	Options []optionView
}

// optionView is one radio and its label.
type optionView struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// DescribedBy is the fieldset's aria-describedby: its hint and its error message, if any.
func (v radiosView) DescribedBy() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, v.ID+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, v.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// textView is one free-text question with a character count.
type textView struct {
	ID, Label, Hint, Value, Error string
	MaxLength                     int
}

// checkboxView is a single checkbox, such as a scale's skip option or the consent box.
type checkboxView struct {
	ID, Name, Legend, Label, Hint, Error string
	Checked                              bool
}

// optionID names the n-th radio (0-based) of a question: the first takes the question's id,
// so that the error summary's link lands on it.
func optionID(id string, n int) string {
	if n == 0 {
		return id
	}
	return id + "-" + strconv.Itoa(n+1)
}

// itemRadios shows an instrument item: its wording unchanged as the legend and its options
// in order, valued by their 1-based answer code.
func itemRadios(it *instrument.Item, code int, msg string) radiosView {
	v := radiosView{ID: it.ID, Name: it.ID, Legend: it.Text, Error: msg}
	for i, label := range it.Options.Labels {
		v.Options = append(v.Options, optionView{ID: optionID(it.ID, i), Value: strconv.Itoa(i + 1),
			Label: label, Checked: code == i+1})
	}
	return v
}

// choiceRadios shows a choice from a list of values, labelled for people.
func choiceRadios(name, legend string, values, labels, hints []string, chosen, msg string) radiosView {
	v := radiosView{ID: name, Name: name, Legend: legend, Error: msg}
	for i, value := range values {
		o := optionView{ID: optionID(name, i), Value: value, Label: labels[i], Checked: chosen == value && value != ""}
		if i < len(hints) {
			o.Hint = hints[i]
		}
		v.Options = append(v.Options, o)
	}
	return v
}

// textInput shows a free-text field with its limit.
func textInput(t instrument.TextField, value, msg string) textView {
	return textView{ID: t.ID, Label: t.Label, Value: value, Error: msg, MaxLength: t.MaxLength}
}

// errorMap indexes errors by field for the inline messages.
func errorMap(errs []web.FieldError) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		if _, dup := m[e.Field]; !dup {
			m[e.Field] = e.Message
		}
	}
	return m
}

// sentenceCase capitalises the first letter of a stored value ("nurse" → "Nurse") and
// leaves abbreviations ("GP") alone.
func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// sentenceCased applies sentenceCase to each value.
func sentenceCased(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = sentenceCase(v)
	}
	return out
}
