package analysis

import "math"

// rciZ is the two-sided 95% criterion of the Reliable Change Index (Jacobson & Truax 1991),
// fixed at 1.96 by INSTRUMENTS.md §5.
const rciZ = 1.96

// RCIThresholds holds S_diff = SD₁·√2·√(1 − r) of INSTRUMENTS.md §5 "Reliable Change Index"
// for one measure. Build it with NewRCI.
type RCIThresholds struct {
	SDiff float64
}

// NewRCI returns the RCI thresholds for the baseline SD SD₁ (ddof 1 of the counted pre scores)
// and reliability r (Cronbach's α by default), INSTRUMENTS.md §5. It reports false ("RCI counts
// null") when r ≥ 1 or is not finite, or SD₁ ≤ 0 or is not finite. A negative α is allowed: it
// only widens S_diff.
func NewRCI(sd1, r float64) (RCIThresholds, bool) {
	if !allFinite(sd1, r) || r >= 1 || sd1 <= 0 {
		return RCIThresholds{}, false
	}
	s := sd1 * math.Sqrt2 * math.Sqrt(1-r)
	if !allFinite(s) || s <= 0 {
		return RCIThresholds{}, false
	}
	return RCIThresholds{SDiff: s}, true
}

// DThreshold returns 1.96·S_diff, the RCI criterion expressed on the change d: |RCI| ≥ 1.96 iff
// |d| ≥ DThreshold in exact arithmetic. It is for display and for filters on d; in floating point
// it can disagree with the ratio form in the last bit exactly at the boundary, so code that must
// match Classify bit for bit calls Classify, which compares (post − pre)/S_diff with ±1.96.
func (t RCIThresholds) DThreshold() float64 {
	return rciZ * t.SDiff
}

// RCICategory is the exclusive Reliable Change category of one participant (INSTRUMENTS.md §5).
type RCICategory int

// The RCI categories of INSTRUMENTS.md §5. Recovered is a reliable improvement that also crossed
// the cut-off; Improved is any other reliable improvement.
const (
	Recovered RCICategory = iota
	Improved
	NoChange
	Deteriorated
)

// String returns the category's snake_case name as used in the rci_* output fields.
func (c RCICategory) String() string {
	switch c {
	case Recovered:
		return "recovered"
	case Improved:
		return "improved"
	case NoChange:
		return "no_change"
	case Deteriorated:
		return "deteriorated"
	}
	return "unknown"
}

// Classify places one paired participant in an RCI category (INSTRUMENTS.md §5).
// RCI = (post − pre)/S_diff; for higher-is-worse measures RCI ≤ −1.96 is a reliable improvement
// and RCI ≥ +1.96 a reliable deterioration; the signs flip for higher-is-better measures.
// "Recovered" = reliable improvement and crossing the cut-off (higher-is-worse: pre ≥ cutoff and
// post < cutoff; higher-is-better: pre < cutoff and post ≥ cutoff); with cutoff == nil nobody is
// Recovered and every reliable improvement is Improved.
//
// The RCI is computed literally as the contract defines it, (post − pre)/S_diff, and compared
// with ±1.96, so SQL computing the same ratio in DOUBLE gets the same category. Thresholds not
// built by NewRCI (S_diff ≤ 0 or not finite) classify everyone as NoChange rather than divide by
// zero; the caller reports RCI counts as null in that case anyway.
func (t RCIThresholds) Classify(pre, post float64, higherIsWorse bool, cutoff *float64) RCICategory {
	if !allFinite(t.SDiff, pre, post) || t.SDiff <= 0 {
		return NoChange
	}
	rci := (post - pre) / t.SDiff
	improved, deteriorated := rci <= -rciZ, rci >= rciZ
	if !higherIsWorse {
		improved, deteriorated = deteriorated, improved
	}
	switch {
	case improved:
		if cutoff != nil && crossedCutoff(pre, post, *cutoff, higherIsWorse) {
			return Recovered
		}
		return Improved
	case deteriorated:
		return Deteriorated
	}
	return NoChange
}

// crossedCutoff reports whether a participant moved from the "case" side of the cut-off to the
// healthy side: for higher-is-worse, pre ≥ cutoff and post < cutoff; for higher-is-better,
// pre < cutoff and post ≥ cutoff.
func crossedCutoff(pre, post, cutoff float64, higherIsWorse bool) bool {
	if higherIsWorse {
		return pre >= cutoff && post < cutoff
	}
	return pre < cutoff && post >= cutoff
}
