package charts

import (
	"strings"
	"unicode"
)

// maxLabel is the longest label a chart draws, in runes; tables carry the full text.
const maxLabel = 48

// Label makes text from data (a group code, a region, a modality) safe to hand to go-echarts,
// which writes labels into an inline script without escaping (STACK-NOTES.md). It keeps
// letters, digits, spaces and a few harmless punctuation marks, and drops everything else:
// angle brackets and ampersands (a "</script>" or an entity that go-echarts' unescaping would
// revive), quotes and backslashes, and control characters. Runs of underscores shrink to one so
// go-echarts' function marker "__f__" cannot be formed. The result is at most maxLabel runes.
func Label(s string) string {
	var b strings.Builder
	n := 0
	prevUnderscore := false
	for _, r := range s {
		if n == maxLabel {
			break
		}
		keep := unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.,()/:+%–", r)
		if unicode.IsSpace(r) {
			r, keep = ' ', true
		}
		if !keep || (r == '_' && prevUnderscore) {
			continue
		}
		prevUnderscore = r == '_'
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// Labels applies Label to each of labels.
func Labels(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = Label(l)
	}
	return out
}
