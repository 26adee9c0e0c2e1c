package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ItemMissing is how often one item was left unanswered in questionnaires (pre, post and
// follow-up) that answered at least one item of its instrument. Counts are of questionnaires,
// not people; a suppressed entry (fewer than min cell questionnaires) carries no counts.
type ItemMissing struct {
	Instrument string `json:"instrument"`
	ItemID     string `json:"item"`
	Text       string `json:"text"`
	Suppressed bool   `json:"suppressed"`
	Asked      *int   `json:"asked,omitempty"`
	Missing    *int   `json:"missing,omitempty"`
}

// ScaleReliability is Cronbach's α of one measure over the counted baseline responses that
// answered every one of its items (INSTRUMENTS.md §5), under the filters.
type ScaleReliability struct {
	Measure    string   `json:"measure"`
	Items      int      `json:"items"`
	Suppressed bool     `json:"suppressed"`
	Complete   *int     `json:"complete_cases,omitempty"`
	Alpha      *float64 `json:"alpha,omitempty"`
}

// Quality is the data-quality view: missing answers per item and reliability per scale.
type Quality struct {
	MinCell     int                `json:"min_cell"`
	Items       []ItemMissing      `json:"items"`
	Reliability []ScaleReliability `json:"reliability"`
}

// DataQuality computes missing answers per item and Cronbach's α per measure under the options'
// filters (the profession filter applies to each questionnaire's own profession for missing
// answers, and to the counted baseline response's for α, as in Analyse).
func DataQuality(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (*Quality, error) {
	if o.MinCell == 0 {
		o.MinCell = 5
	}
	if o.MinCell < MinCellFloor {
		return nil, fmt.Errorf("analysis: min cell %d is below the floor of %d", o.MinCell, MinCellFloor)
	}
	q := &Quality{MinCell: o.MinCell}
	if err := q.readMissing(ctx, db, set, o.MinCell, o.Filter); err != nil {
		return nil, err
	}
	if err := q.readAlpha(ctx, db, set, o.MinCell, o.Filter); err != nil {
		return nil, err
	}
	return q, nil
}

// filterArgs binds the filters' named parameters $modality, $region and $profession.
func filterArgs(f Filter) []any {
	return []any{sql.Named("modality", f.Modality), sql.Named("region", f.Region), sql.Named("profession", f.Profession)}
}

// questionnaireItems are the items of the instruments asked before and after (not the pulse).
func questionnaireItems(set *instrument.Set) (ins []*instrument.Instrument, spec []string) {
	for _, in := range set.All() {
		if !in.AskedAt("pre") && !in.AskedAt("post") && !in.AskedAt("followup") {
			continue
		}
		ins = append(ins, in)
		for _, it := range in.Items {
			spec = append(spec, fmt.Sprintf(`"%s": "INTEGER"`, it.ID))
		}
	}
	return ins, spec
}

func (q *Quality) readMissing(ctx context.Context, db *ingest.DB, set *instrument.Set, minCell int, f Filter) error {
	ins, spec := questionnaireItems(set)
	var aggs []string
	for _, in := range ins {
		var answered []string
		for _, it := range in.Items {
			answered = append(answered, "a."+it.ID+" IS NOT NULL")
		}
		asked := "(" + strings.Join(answered, " OR ") + ")"
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %s)", asked))
		for _, it := range in.Items {
			aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %s AND a.%s IS NULL)", asked, it.ID))
		}
	}
	query := fmt.Sprintf(`SELECT %s FROM (
	SELECT from_json(r.answers, '{%s}') AS a FROM responses r JOIN groups g USING (group_id)
	WHERE r.timepoint IN ('pre', 'post', 'followup') AND ($modality = '' OR g.modality = $modality)
		AND ($region = '' OR g.region = $region) AND ($profession = '' OR r.profession = $profession))`,
		strings.Join(aggs, ", "), strings.Join(spec, ", "))
	var counts []int
	var dest []any
	for range aggs {
		counts = append(counts, 0)
	}
	for i := range counts {
		dest = append(dest, &counts[i])
	}
	if err := db.SQL().QueryRowContext(ctx, query, filterArgs(f)...).Scan(dest...); err != nil {
		return fmt.Errorf("analysis: missing answers: %w", err)
	}
	i := 0
	for _, in := range ins {
		asked := counts[i]
		i++
		for _, it := range in.Items {
			m := ItemMissing{Instrument: in.ID, ItemID: it.ID, Text: it.Text, Suppressed: asked < minCell}
			if !m.Suppressed {
				m.Asked, m.Missing = count(asked), count(counts[i])
			}
			q.Items = append(q.Items, m)
			i++
		}
	}
	return nil
}

func (q *Quality) readAlpha(ctx context.Context, db *ingest.DB, set *instrument.Set, minCell int, f Filter) error {
	ms, err := measures(set)
	if err != nil {
		return err
	}
	_, spec := questionnaireItems(set)
	var points, aggs []string
	seen := map[string]bool{}
	for _, m := range ms {
		var complete, items, vars []string
		for _, it := range m.Items {
			complete = append(complete, "p_"+it.ID+" IS NOT NULL")
			items = append(items, "p_"+it.ID)
			if seen[it.ID] {
				continue
			}
			seen[it.ID] = true
			pts, err := itemPoints(it)
			if err != nil {
				return err
			}
			points = append(points, fmt.Sprintf("list_extract(%s, a.%s) AS p_%s", doubleList(pts), it.ID, it.ID))
		}
		cond := strings.Join(complete, " AND ")
		for _, item := range items {
			vars = append(vars, fmt.Sprintf("var_samp(%s) FILTER (WHERE %s)", item, cond))
		}
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE %s), %s, var_samp(%s) FILTER (WHERE %s)",
			cond, strings.Join(vars, " + "), strings.Join(items, " + "), cond))
	}
	// Only the counted pre responses are read: $later is bound to 'pre' too, and the counted
	// response of each participant at pre does not depend on the later timepoint's responses
	// (countedCTE ranks per participant and timepoint). Their scores are not needed.
	query := fmt.Sprintf(`WITH %s,
pre AS (SELECT from_json(answers, '{%s}') AS a FROM counted WHERE timepoint = 'pre' AND ($profession = '' OR profession = $profession))
SELECT %s FROM (SELECT %s FROM pre)`, countedCTE(nil, "r.answers"), strings.Join(spec, ", "), strings.Join(aggs, ",\n\t"), strings.Join(points, ", "))
	n := make([]int, len(ms))
	itemVar, totalVar := make([]sql.NullFloat64, len(ms)), make([]sql.NullFloat64, len(ms))
	var dest []any
	for i := range ms {
		dest = append(dest, &n[i], &itemVar[i], &totalVar[i])
	}
	if err := db.SQL().QueryRowContext(ctx, query, append(filterArgs(f), sql.Named("later", "pre"))...).Scan(dest...); err != nil {
		return fmt.Errorf("analysis: reliability: %w", err)
	}
	for i, m := range ms {
		k := len(m.Items)
		r := ScaleReliability{Measure: m.ID, Items: k, Suppressed: n[i] < minCell}
		if !r.Suppressed {
			r.Complete = count(n[i])
			ok := k >= 2 && n[i] >= 2 && itemVar[i].Valid && totalVar[i].Valid && totalVar[i].Float64 > 0
			r.Alpha = num(alphaFrom(k, itemVar[i].Float64, totalVar[i].Float64), ok)
		}
		q.Reliability = append(q.Reliability, r)
	}
	return nil
}
