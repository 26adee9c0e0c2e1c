package instrument

import "slices"

// Instrument is one questionnaire, built from one definition file.
type Instrument struct {
	ID         string   // file name without .json, e.g. "cbi"
	Version    string   // stored with every score so old results stay interpretable
	Title      string   // shown as the survey heading
	Intro      string   // short text shown above the items
	Citation   string   // must be shown on the survey page and in reports
	Licence    string   // note on the terms of use of the wording
	File       string   // path of the definition file, for messages
	Timepoints []string // timepoints it is asked at unless the programme says otherwise

	OptionSets []*OptionSet
	Items      []Item
	Scales     []Scale
	TextFields []TextField

	itemIdx  map[string]int
	scaleIdx map[string]int
	textIdx  map[string]int
}

// OptionSet is an ordered list of response options. The answer code of an
// option is its 1-based position; Points[code-1] is what it scores.
type OptionSet struct {
	ID     string
	Labels []string
	Points []float64
}

// Item is one question answered with a code from its option set.
type Item struct {
	ID       string
	Scale    string // id of the scale it counts towards; empty for unscored items
	Text     string // wording, shown unchanged
	Options  *OptionSet
	Reversed bool // points are mirrored (lowest+highest−points), see Points
	// SupportCodes are answer codes that by themselves show the support page
	// (INSTRUMENTS.md §8); kept in data so the rule can change without code.
	SupportCodes []int
}

// Scale is a score computed from items, or a composite of other scales.
type Scale struct {
	ID            string
	Title         string
	Items         []string // item ids; empty for a composite
	MinAnswered   int      // fewer answered items make the score invalid; 0 for a composite
	HigherIsWorse bool     // direction: true for burnout, false for morale
	Cutoff        *float64 // score >= Cutoff is "high" (inclusive); nil when none
	Skippable     bool     // respondents may skip the whole scale
	SkipLabel     string   // wording of the skip option, e.g. "I don't work directly with patients"
	Composite     []string // ids of the scales averaged; valid only if all of them are
	// SupportThreshold is the score at or beyond which (>= when higher is
	// worse, <= otherwise) the support page is shown; nil when none.
	SupportThreshold *float64
}

// TextField is a free-text question, such as the pulse comment.
type TextField struct {
	ID        string
	Label     string
	MaxLength int // in characters (runes), not bytes
}

// Len returns the number of options, which is also the highest answer code.
func (o *OptionSet) Len() int { return len(o.Labels) }

// bounds returns the lowest and highest points; reversal maps this range
// onto itself, so it is also the range of a reversed item.
func bounds(points []float64) (lo, hi float64) {
	lo, hi = points[0], points[0]
	for _, p := range points[1:] {
		lo, hi = min(lo, p), max(hi, p)
	}
	return lo, hi
}

// IsComposite reports whether the scale is the mean of other scales.
func (s *Scale) IsComposite() bool { return len(s.Composite) > 0 }

// High reports whether score is at or above the cut-off (inclusive, as in
// INSTRUMENTS.md §2). It is false for scales without a cut-off.
func (s *Scale) High(score float64) bool {
	return s.Cutoff != nil && score >= *s.Cutoff
}

// Item returns the item with the given id.
func (in *Instrument) Item(id string) (*Item, bool) {
	i, ok := in.itemIdx[id]
	if !ok {
		return nil, false
	}
	return &in.Items[i], true
}

// Scale returns the scale with the given id.
func (in *Instrument) Scale(id string) (*Scale, bool) {
	i, ok := in.scaleIdx[id]
	if !ok {
		return nil, false
	}
	return &in.Scales[i], true
}

// TextField returns the free-text field with the given id.
func (in *Instrument) TextField(id string) (*TextField, bool) {
	i, ok := in.textIdx[id]
	if !ok {
		return nil, false
	}
	return &in.TextFields[i], true
}

// AskedAt reports whether the instrument is asked at timepoint tp by default.
func (in *Instrument) AskedAt(tp string) bool {
	return slices.Contains(in.Timepoints, tp)
}
