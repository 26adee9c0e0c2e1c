package instrument

import (
	"fmt"
	"slices"
	"strings"
)

// span is the range of points a scale can score, used to catch a cut-off or
// support threshold that no respondent could ever reach.
type span struct{ lo, hi float64 }

func (p *problems) checkScales(d *defFile, items map[string]*defItem, sets map[string]*defOptionSet) {
	spans := make(map[string]span, len(d.Scales))
	for i := range d.Scales {
		s := &d.Scales[i]
		p.checkID(fmt.Sprintf("scales[%d]", i), s.ID)
		if strings.TrimSpace(s.Title) == "" {
			p.add("scale %q: title is empty", s.ID)
		}
		if !validDirection(s.Direction) {
			p.add("scale %q: direction %q must be %q or %q", s.ID, s.Direction, higherIsWorse, higherIsBetter)
		}
		var r span
		var known bool
		switch {
		case len(s.Items) > 0 && len(s.Composite) > 0:
			p.add("scale %q: has both items and composite; give one of them", s.ID)
		case len(s.Composite) > 0:
			r, known = p.checkComposite(s, d.Scales, i, spans)
		case len(s.Items) > 0:
			r, known = p.checkItemScale(s, items, sets)
		default:
			p.add("scale %q: has neither items nor composite", s.ID)
		}
		p.checkSkip(s)
		if known {
			spans[s.ID] = r
			p.checkInSpan(s.ID, "cutoff", s.Cutoff, r)
			p.checkInSpan(s.ID, "support_threshold", s.SupportThreshold, r)
		}
	}
	p.checkItemMembership(d)
}

// checkItemScale checks a scale computed from items and returns the span of
// its points, known when at least one item has a valid option set.
func (p *problems) checkItemScale(s *defScale, items map[string]*defItem, sets map[string]*defOptionSet) (span, bool) {
	var r span
	var from string // the item r was taken from, for the mixed-range message
	for i, id := range s.Items {
		it, exists := items[id]
		switch {
		case !exists:
			p.add("scale %q: item %q does not exist", s.ID, id)
			continue
		case slices.Index(s.Items, id) < i:
			p.add("scale %q: item %q is listed twice", s.ID, id)
			continue
		case it.Scale != s.ID:
			p.add("scale %q: item %q has \"scale\": %q", s.ID, id, it.Scale)
		}
		set := sets[it.Options]
		if set == nil {
			continue // reported with the item or its option set
		}
		lo, hi := bounds(set.Points)
		if from == "" {
			r, from = span{lo, hi}, id
		} else if r != (span{lo, hi}) {
			p.add("scale %q: item %q scores %g..%g but item %q scores %g..%g; their mean would mean nothing",
				s.ID, id, lo, hi, from, r.lo, r.hi)
		}
	}
	if s.MinAnswered < 1 {
		p.add("scale %q: min_answered %d must be at least 1", s.ID, s.MinAnswered)
	} else if s.MinAnswered > len(s.Items) {
		p.add("scale %q: min_answered %d exceeds its %d items", s.ID, s.MinAnswered, len(s.Items))
	}
	return r, from != ""
}

// checkComposite checks a scale that is the mean of other scales. Parts must
// come earlier in the file so that scores, listed in file order, always
// have a composite after its parts.
func (p *problems) checkComposite(s *defScale, all []defScale, pos int, spans map[string]span) (span, bool) {
	if s.MinAnswered != 0 {
		p.add("scale %q: min_answered must be left out for a composite; it is valid when all its parts are", s.ID)
	}
	var sum span
	known := true
	for i, part := range s.Composite {
		idx := slices.IndexFunc(all, func(x defScale) bool { return x.ID == part })
		switch {
		case idx < 0:
			p.add("scale %q: composite part %q does not exist", s.ID, part)
		case slices.Index(s.Composite, part) < i:
			p.add("scale %q: composite part %q is listed twice", s.ID, part)
		case len(all[idx].Composite) > 0:
			p.add("scale %q: composite part %q is itself a composite", s.ID, part)
		case idx > pos:
			p.add("scale %q: composite part %q must be defined before it", s.ID, part)
		case all[idx].Direction != s.Direction && validDirection(all[idx].Direction):
			p.add("scale %q: composite part %q runs %s but the composite runs %s", s.ID, part, all[idx].Direction, s.Direction)
		default:
			r, ok := spans[part]
			sum = span{sum.lo + r.lo, sum.hi + r.hi}
			known = known && ok
			continue
		}
		known = false
	}
	// The mean of the parts lies between the means of their bounds.
	n := float64(len(s.Composite))
	return span{sum.lo / n, sum.hi / n}, known
}

func (p *problems) checkSkip(s *defScale) {
	switch {
	case s.Skippable && len(s.Composite) > 0:
		p.add("scale %q: a composite cannot be skippable; make its parts skippable", s.ID)
	case s.Skippable && strings.TrimSpace(s.SkipLabel) == "":
		p.add("scale %q: skippable needs a skip_label", s.ID)
	case !s.Skippable && s.SkipLabel != "":
		p.add("scale %q: skip_label is set but skippable is false", s.ID)
	}
}

func (p *problems) checkInSpan(scale, field string, v *float64, r span) {
	if v != nil && (*v < r.lo || *v > r.hi) {
		p.add("scale %q: %s %g is outside the points range %g..%g", scale, field, *v, r.lo, r.hi)
	}
}

// checkItemMembership catches the other half of the item/scale link: an
// item naming a scale that does not list it would silently go unscored.
func (p *problems) checkItemMembership(d *defFile) {
	for _, it := range d.Items {
		idx := slices.IndexFunc(d.Scales, func(s defScale) bool { return s.ID == it.Scale })
		if it.Scale == "" || idx < 0 {
			continue // unscored, or reported with the item
		}
		s := &d.Scales[idx]
		if len(s.Composite) > 0 {
			p.add("item %q: scale %q is a composite; items belong to its parts", it.ID, it.Scale)
		} else if !slices.Contains(s.Items, it.ID) {
			p.add("item %q: scale %q does not list it in its items", it.ID, it.Scale)
		}
	}
}

func validDirection(d string) bool { return d == higherIsWorse || d == higherIsBetter }
