package instrument

import "slices"

// NeedsSupport applies the safeguarding rule of INSTRUMENTS.md §8: it reports
// whether the respondent should see the support page after submitting. The
// rule lives in the definitions: an answer listed in an item's SupportCodes
// ("Always" to cbi_p4 "I can't take it anymore"), or a valid score at or
// beyond a scale's SupportThreshold (75 on cbi_personal or cbi_work).
// Ids unknown to set are ignored: this decides what page to show next, and
// the answers were validated before scoring.
func NeedsSupport(set *Set, answers map[string]int, scores []Score) bool {
	for id, code := range answers {
		if _, it, ok := set.Item(id); ok && slices.Contains(it.SupportCodes, code) {
			return true
		}
	}
	for _, s := range scores {
		if _, sc, ok := set.Scale(s.Scale); ok && s.Valid && sc.beyondSupport(s.Value) {
			return true
		}
	}
	return false
}

// beyondSupport compares in the scale's direction of worse: at or above the
// threshold when higher is worse, at or below it when higher is better.
func (s *Scale) beyondSupport(score float64) bool {
	switch {
	case s.SupportThreshold == nil:
		return false
	case s.HigherIsWorse:
		return score >= *s.SupportThreshold
	default:
		return score <= *s.SupportThreshold
	}
}
