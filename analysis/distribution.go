package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
)

// This file gives the dashboards what the results contract does not hold: the spread of scores
// before and after (box plots) and the mean change by sessions attended (dose–response). Analyse
// computes both (Results.Spread) from the participants it read for the statistics, over the paired
// sample of the programme-level scope, with the same filters and disclosure control, so pages and
// workbooks read them from one place and the counting rule is applied once.

// spreadProbs are the quantiles of a box plot: whiskers at the 10th and 90th percentiles rather
// than the minimum and maximum, because an extreme is one person's score (docs/METHODS.md).
var spreadProbs = []float64{0.1, 0.25, 0.5, 0.75, 0.9}

// Quantiles are a box plot's five numbers, by R type 7 (DuckDB's quantile_cont).
type Quantiles struct {
	P10    float64 `json:"p10"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	P90    float64 `json:"p90"`
}

// MeasureSpread is the distribution of one measure's scores on the paired sample, before and at
// the later timepoint. A suppressed entry (paired n below min cell) carries only Measure and
// Suppressed.
type MeasureSpread struct {
	Measure    string     `json:"measure"`
	Suppressed bool       `json:"suppressed"`
	NPaired    *int       `json:"n_paired,omitempty"`
	Pre        *Quantiles `json:"pre,omitempty"`
	Later      *Quantiles `json:"later,omitempty"`
}

// DoseBand is the mean change of one measure among paired participants who attended a band of
// sessions. A suppressed band carries no count and no mean.
type DoseBand struct {
	Measure    string   `json:"measure"`
	Band       string   `json:"band"` // e.g. "3–5"
	Suppressed bool     `json:"suppressed"`
	NPaired    *int     `json:"n_paired,omitempty"`
	MeanChange *float64 `json:"mean_change,omitempty"`
}

// Spread is the distribution and dose–response figures for the programme-level scope.
type Spread struct {
	MinCell    int             `json:"min_cell"`
	Comparison string          `json:"comparison"`
	Measures   []MeasureSpread `json:"measures"`
	Dose       []DoseBand      `json:"dose"`
}

// DoseBands are the bands of sessions attended, as [lo, hi] (hi < 0: no upper bound). Fixed
// bands, not quantiles of attendance, so that pilots and filters compare.
var DoseBands = [][2]int{{0, 2}, {3, 5}, {6, 8}, {9, -1}}

// BandLabel names a dose band for people: "0–2", "9 or more".
func BandLabel(b [2]int) string {
	if b[1] < 0 {
		return fmt.Sprintf("%d or more", b[0])
	}
	return fmt.Sprintf("%d–%d", b[0], b[1])
}

// spreadOf computes the spread and the dose–response bands from the participants the analysis
// read (after its filters and counting rule), over the programme-level paired sample: one reading
// of the counting rule for every figure. Quantiles are R type 7, as DuckDB's quantile_cont.
func spreadOf(p *people, ms []Measure, minCell int, comparison string) *Spread {
	out := &Spread{MinCell: minCell, Comparison: comparison}
	var pre, later []float64
	for mi, m := range ms {
		pre, later = pre[:0], later[:0]
		bandN, bandSum := make([]int, len(DoseBands)), make([]float64, len(DoseBands))
		for i := range p.len() {
			x, y := p.pre(i, mi), p.post(i, mi)
			if !p.keep[i] || math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			pre, later = append(pre, x), append(later, y)
			b := doseBand(int(p.sessions[i]))
			bandN[b]++
			bandSum[b] += y - x
		}
		s := MeasureSpread{Measure: m.ID, Suppressed: len(pre) < minCell}
		if !s.Suppressed {
			s.NPaired, s.Pre, s.Later = count(len(pre)), quantilesOf(pre), quantilesOf(later)
		}
		out.Measures = append(out.Measures, s)
		for bi, lim := range DoseBands {
			b := DoseBand{Measure: m.ID, Band: BandLabel(lim), Suppressed: bandN[bi] < minCell}
			if !b.Suppressed {
				b.NPaired, b.MeanChange = count(bandN[bi]), num(bandSum[bi]/float64(bandN[bi]), true)
			}
			out.Dose = append(out.Dose, b)
		}
	}
	return out
}

// doseBand is the index in DoseBands of a number of sessions attended.
func doseBand(sessions int) int {
	for i, b := range DoseBands {
		if sessions >= b[0] && (b[1] < 0 || sessions <= b[1]) {
			return i
		}
	}
	return len(DoseBands) - 1
}

// quantilesOf sorts v in place and returns its box-plot quantiles.
func quantilesOf(v []float64) *Quantiles {
	slices.Sort(v)
	q := make([]float64, len(spreadProbs))
	for i, prob := range spreadProbs {
		q[i] = quantile7(v, prob)
	}
	return &Quantiles{P10: q[0], Q1: q[1], Median: q[2], Q3: q[3], P90: q[4]}
}

// quantile7 is R's type 7 quantile of sorted v: linear between the order statistics at
// (n−1)·prob, the rule of DuckDB's quantile_cont, so pages and workbooks agree with SQL.
func quantile7(v []float64, prob float64) float64 {
	h := float64(len(v)-1) * prob
	lo := int(math.Floor(h))
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// countedCTE is the "counted" table expression: the counted response of each participant at
// pre and at the later timepoint ($later), in groups inside the modality and region filters
// (INSTRUMENTS.md §4: the latest submitted_at; ties by the larger response id, as numbers when
// every tied id is numeric, else as text), with the scores and any extra columns of responses
// (prefixed "r."). It reads only what its callers need; its
// counts are checked against Analyse's in distribution_test.go so the two readings of the rule
// cannot drift apart unnoticed.
func countedCTE(ms []Measure, extra ...string) string {
	cols := append([]string{}, extra...)
	for _, m := range ms {
		cols = append(cols, "r."+ingest.ScoreColumn(m.ID))
	}
	return fmt.Sprintf(`resp AS (
	SELECT r.participant_id, r.timepoint, r.submitted_at, r.response_id, r.profession, %s,
		bool_and(TRY_CAST(r.response_id AS DOUBLE) IS NOT NULL) OVER (PARTITION BY r.participant_id, r.timepoint, r.submitted_at) AS numeric_ids
	FROM responses r JOIN groups g USING (group_id)
	WHERE r.timepoint IN ('pre', $later) AND ($modality = '' OR g.modality = $modality) AND ($region = '' OR g.region = $region)),
counted AS (
	SELECT * FROM resp
	QUALIFY row_number() OVER (PARTITION BY participant_id, timepoint
		ORDER BY submitted_at DESC, CASE WHEN numeric_ids THEN TRY_CAST(response_id AS DOUBLE) END DESC NULLS LAST, response_id DESC) = 1)`,
		strings.Join(cols, ", "))
}
