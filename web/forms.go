package web

// Input is one text input for the "input" partial: {{template "input" (input "email" "Email
// address" "email" .Form.Email (.Errors.For "email"))}}. A password input never echoes Value.
type Input struct {
	Name, Label, Type, Value, Error string
	Hint, Autocomplete, Width       string
}

// FieldErrors are a form's errors, in the order the fields appear.
type FieldErrors []FieldError

// For returns the message for field, or "".
func (e FieldErrors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// Add appends an error for field.
func (e *FieldErrors) Add(field, message string) {
	*e = append(*e, FieldError{Field: field, Message: message})
}

// newInput is the template function "input"; options are hint, autocomplete and width, in that
// order, each optional.
func newInput(name, label, typ, value, errMsg string, options ...string) Input {
	in := Input{Name: name, Label: label, Type: typ, Value: value, Error: errMsg}
	for i, o := range options {
		switch i {
		case 0:
			in.Hint = o
		case 1:
			in.Autocomplete = o
		case 2:
			in.Width = o
		}
	}
	return in
}
