package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// This file gives the dashboards what the results contract does not hold: the spread of scores
// before and after (box plots) and the mean change by sessions attended (dose–response). Both are
// computed in DuckDB over the paired sample of the programme-level scope, with the same filters
// and the same disclosure control as Analyse, so pages and workbooks read them from one place.

// spreadProbs are the quantiles of a box plot: whiskers at the 10th and 90th percentiles rather
// than the minimum and maximum, because an extreme is one person's score (docs/METHODS.md).
var spreadProbs = []float64{0.1, 0.25, 0.5, 0.75, 0.9}

// Quantiles are a box plot's five numbers, by DuckDB's quantile_cont (R type 7).
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

// Distribution computes the spread and the dose–response bands under the options' filters,
// comparison and min cell (the same defaults and floor as Analyse).
func Distribution(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (*Spread, error) {
	if o.Comparison == "" {
		o.Comparison = "pre-post"
	}
	later, ok := Comparisons[o.Comparison]
	if !ok {
		return nil, fmt.Errorf("analysis: unknown comparison %q (pre-post or pre-followup)", o.Comparison)
	}
	if o.MinCell == 0 {
		o.MinCell = 5
	}
	if o.MinCell < MinCellFloor {
		return nil, fmt.Errorf("analysis: min cell %d is below the floor of %d", o.MinCell, MinCellFloor)
	}
	ms, err := measures(set)
	if err != nil {
		return nil, err
	}
	rows, err := db.SQL().QueryContext(ctx, spreadQuery(ms),
		sql.Named("later", later), sql.Named("modality", o.Filter.Modality),
		sql.Named("region", o.Filter.Region), sql.Named("profession", o.Filter.Profession))
	if err != nil {
		return nil, fmt.Errorf("analysis: distribution: %w", err)
	}
	defer rows.Close()
	out := &Spread{MinCell: o.MinCell, Comparison: o.Comparison}
	bands := map[int][]DoseBand{}
	for rows.Next() {
		var band sql.NullInt64
		ns := make([]sql.NullInt64, len(ms))
		means := make([]sql.NullFloat64, len(ms))
		pre := make([][]sql.NullFloat64, len(ms))
		post := make([][]sql.NullFloat64, len(ms))
		dest := []any{&band}
		for i := range ms {
			pre[i], post[i] = make([]sql.NullFloat64, len(spreadProbs)), make([]sql.NullFloat64, len(spreadProbs))
			dest = append(dest, &ns[i], &means[i])
			for j := range spreadProbs {
				dest = append(dest, &pre[i][j])
			}
			for j := range spreadProbs {
				dest = append(dest, &post[i][j])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("analysis: distribution: %w", err)
		}
		for i, m := range ms {
			n := int(ns[i].Int64)
			if !band.Valid {
				s := MeasureSpread{Measure: m.ID, Suppressed: n < o.MinCell}
				if !s.Suppressed {
					s.NPaired, s.Pre, s.Later = count(n), quantiles(pre[i]), quantiles(post[i])
				}
				out.Measures = append(out.Measures, s)
				continue
			}
			b := DoseBand{Measure: m.ID, Band: BandLabel(DoseBands[band.Int64]), Suppressed: n < o.MinCell}
			if !b.Suppressed {
				b.NPaired, b.MeanChange = count(n), num(means[i].Float64, means[i].Valid)
			}
			bands[int(band.Int64)] = append(bands[int(band.Int64)], b)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analysis: distribution: %w", err)
	}
	if len(out.Measures) == 0 {
		for _, m := range ms {
			out.Measures = append(out.Measures, MeasureSpread{Measure: m.ID, Suppressed: true})
		}
	}
	// Every band of every measure, in measure order then band order; a band nobody attended is
	// a suppressed band (it holds no one), so the table shape does not depend on the data.
	for _, m := range ms {
		for bi, lim := range DoseBands {
			b := DoseBand{Measure: m.ID, Band: BandLabel(lim), Suppressed: true}
			for _, got := range bands[bi] {
				if got.Measure == m.ID {
					b = got
				}
			}
			out.Dose = append(out.Dose, b)
		}
	}
	return out, nil
}

func quantiles(v []sql.NullFloat64) *Quantiles {
	for _, x := range v {
		if !x.Valid {
			return nil
		}
	}
	return &Quantiles{P10: v[0].Float64, Q1: v[1].Float64, Median: v[2].Float64, Q3: v[3].Float64, P90: v[4].Float64}
}

// spreadQuery returns one row for the whole scope (band NULL) and one per dose band, each with
// per measure: paired n, mean change, and the quantiles of the pre and the later scores over the
// paired sample.
func spreadQuery(ms []Measure) string {
	var cols, aggs []string
	probs := make([]string, len(spreadProbs))
	for i, p := range spreadProbs {
		probs[i] = fmt.Sprint(p)
	}
	list := "[" + strings.Join(probs, ", ") + "]"
	for _, m := range ms {
		c := ingest.ScoreColumn(m.ID)
		cols = append(cols, fmt.Sprintf("any_value(%[1]s) FILTER (WHERE timepoint = 'pre') AS pre_%[2]s, any_value(%[1]s) FILTER (WHERE timepoint <> 'pre') AS later_%[2]s", c, m.ID))
		paired := fmt.Sprintf("pre_%[1]s IS NOT NULL AND later_%[1]s IS NOT NULL", m.ID)
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %[2]s), avg(later_%[1]s - pre_%[1]s) FILTER (WHERE %[2]s)", m.ID, paired))
		for _, tp := range []string{"pre", "later"} {
			for i := range spreadProbs {
				aggs = append(aggs, fmt.Sprintf("(quantile_cont(%s_%s, %s) FILTER (WHERE %s))[%d]", tp, m.ID, list, paired, i+1))
			}
		}
	}
	var band []string
	for i, b := range DoseBands {
		if b[1] < 0 {
			band = append(band, fmt.Sprintf("WHEN sessions >= %d THEN %d", b[0], i))
		} else {
			band = append(band, fmt.Sprintf("WHEN sessions BETWEEN %d AND %d THEN %d", b[0], b[1], i))
		}
	}
	return fmt.Sprintf(`WITH %s,
person AS (
	SELECT participant_id, any_value(profession) FILTER (WHERE timepoint = 'pre') AS profession, %s
	FROM counted GROUP BY participant_id),
att AS (SELECT participant_id, count(*) FILTER (WHERE attended) AS sessions FROM attendance GROUP BY participant_id),
banded AS (
	SELECT p.*, coalesce(a.sessions, 0) AS sessions
	FROM person p LEFT JOIN att a USING (participant_id)
	WHERE $profession = '' OR p.profession = $profession)
SELECT CASE WHEN grouping(band) = 1 THEN NULL ELSE band END, %s
FROM (SELECT *, CASE %s END AS band FROM banded)
GROUP BY GROUPING SETS ((), (band))`,
		countedCTE(ms), strings.Join(cols, ", "), strings.Join(aggs, ",\n\t"), strings.Join(band, " "))
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
