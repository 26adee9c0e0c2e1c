package instrument

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The def* types mirror the JSON file format. They are kept apart from the
// exported types so the file can say "options": "F" and "direction":
// "higher_is_worse" while callers get a *OptionSet and a bool.
type defFile struct {
	ID         string         `json:"id"`
	Version    string         `json:"version"`
	Title      string         `json:"title"`
	Intro      string         `json:"intro"`
	Citation   string         `json:"citation"`
	Licence    string         `json:"licence"`
	Timepoints []string       `json:"timepoints"`
	OptionSets []defOptionSet `json:"option_sets"`
	Items      []defItem      `json:"items"`
	Scales     []defScale     `json:"scales"`
	TextFields []defTextField `json:"text_fields"`
}

type defOptionSet struct {
	ID     string    `json:"id"`
	Labels []string  `json:"labels"`
	Points []float64 `json:"points"`
}

type defItem struct {
	ID           string `json:"id"`
	Scale        string `json:"scale"`
	Text         string `json:"text"`
	Options      string `json:"options"`
	Reversed     bool   `json:"reversed"`
	SupportCodes []int  `json:"support_codes"`
}

type defScale struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Items            []string `json:"items"`
	MinAnswered      int      `json:"min_answered"`
	Direction        string   `json:"direction"`
	Cutoff           *float64 `json:"cutoff"`
	Skippable        bool     `json:"skippable"`
	SkipLabel        string   `json:"skip_label"`
	Composite        []string `json:"composite"`
	SupportThreshold *float64 `json:"support_threshold"`
}

type defTextField struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	MaxLength int    `json:"max_length"`
}

// Directions a scale may run in; the words are spelt out in the files
// because a bare boolean is easy to get backwards.
const (
	higherIsWorse  = "higher_is_worse"
	higherIsBetter = "higher_is_better"
)

// decodeDef decodes one definition strictly: a misspelt field name would
// otherwise be dropped silently and, say, a cut-off would vanish unnoticed.
func decodeDef(data []byte) (*defFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d defFile
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("file is empty")
		}
		return nil, describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return &d, nil
}

// describeJSONError adds a line and column to syntax and type errors, which
// encoding/json reports only as a byte offset.
func describeJSONError(data []byte, err error) error {
	var offset int64
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	default:
		return err
	}
	// The error came after reading offset bytes: the last of them is at fault.
	pos := min(max(offset-1, 0), int64(len(data)))
	before := data[:pos]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	if typ != nil && typ.Field != "" {
		// The default text names our internal Go types; the field path is
		// what a definition author can act on.
		return fmt.Errorf("line %d, column %d: %s must be %s, not a JSON %s", line, col, typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// build turns a validated definition into an Instrument. It relies on
// validate having run: every option set and index it looks up exists.
func build(d *defFile, file string) *Instrument {
	in := &Instrument{
		ID: d.ID, Version: d.Version, Title: d.Title, Intro: d.Intro,
		Citation: d.Citation, Licence: d.Licence, File: file,
		Timepoints: d.Timepoints,
		itemIdx:    make(map[string]int, len(d.Items)),
		scaleIdx:   make(map[string]int, len(d.Scales)),
		textIdx:    make(map[string]int, len(d.TextFields)),
	}
	sets := make(map[string]*OptionSet, len(d.OptionSets))
	for _, o := range d.OptionSets {
		set := &OptionSet{ID: o.ID, Labels: o.Labels, Points: o.Points}
		in.OptionSets = append(in.OptionSets, set)
		sets[o.ID] = set
	}
	for i, it := range d.Items {
		in.Items = append(in.Items, Item{
			ID: it.ID, Scale: it.Scale, Text: it.Text, Options: sets[it.Options],
			Reversed: it.Reversed, SupportCodes: it.SupportCodes,
		})
		in.itemIdx[it.ID] = i
	}
	for i, s := range d.Scales {
		in.Scales = append(in.Scales, Scale{
			ID: s.ID, Title: s.Title, Items: s.Items, MinAnswered: s.MinAnswered,
			HigherIsWorse: s.Direction == higherIsWorse, Cutoff: s.Cutoff,
			Skippable: s.Skippable, SkipLabel: s.SkipLabel, Composite: s.Composite,
			SupportThreshold: s.SupportThreshold,
		})
		in.scaleIdx[s.ID] = i
	}
	for i, t := range d.TextFields {
		in.TextFields = append(in.TextFields, TextField(t))
		in.textIdx[t.ID] = i
	}
	return in
}
