package analysis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
)

// The analysis asks DuckDB for what only it can do cheaply: the counting rule over every
// response, sessions attended, the item points behind Cronbach's α, and the delivery figures per
// group. Everything per scope (moments, ranks, categories) is computed in Go from one row per
// participant (see cells.go): per-scope SQL costs milliseconds of execution even on a pilot and
// seconds on a national programme, because its results must then be read back row by row.

// hugeShift is 2⁶³: submitted_at in microseconds times hugeShift plus a response key orders
// responses by time, then by key, in one HUGEINT that DuckDB compares cheaply.
const hugeShift = "9223372036854775808"

// personSQL selects one row per participant with a counted response at pre or at the later
// timepoint (INSTRUMENTS.md §4), unfiltered: the counted pre response's key and profession, its
// score per measure, the later response's score per measure, and sessions attended.
//
// The counted response is the latest submitted_at; ties are broken by the larger response id,
// compared as numbers when every tied id is numeric, else as text. One aggregation picks the
// latest response with the key h = (submitted_at, response_key) and, with h2 = (submitted_at,
// −response_key), tells whether it was alone at its time (the largest and the smallest key agree).
// Only the rare tied participants go through the id rule, and their values replace the first
// pick. arg_max_null takes a whole response: an invalid (NULL) score of the counted response is
// not replaced by an earlier one.
func personSQL(ms []Measure, later string) string {
	tps := []struct{ name, cond string }{{"pre", "timepoint = 'pre'"}, {"later", "timepoint <> 'pre'"}}
	var agg, fix, pick []string
	for _, tp := range tps {
		agg = append(agg, fmt.Sprintf("max(submitted_at) FILTER (WHERE %[2]s) AS at_%[1]s, max(h) FILTER (WHERE %[2]s) AS h_%[1]s, max(h2) FILTER (WHERE %[2]s) AS h2_%[1]s", tp.name, tp.cond))
		for _, m := range ms {
			c := ingest.ScoreColumn(m.ID)
			agg = append(agg, fmt.Sprintf("arg_max_null(%s, h) FILTER (WHERE %s) AS %s_%s", c, tp.cond, tp.name, m.ID))
			fix = append(fix, fmt.Sprintf("max(%s) FILTER (WHERE %s) AS %s_%s", c, tp.cond, tp.name, m.ID))
			pick = append(pick, fmt.Sprintf("CASE WHEN f.fix_%[1]s THEN f.%[1]s_%[2]s ELSE a.%[1]s_%[2]s END AS %[1]s_%[2]s", tp.name, m.ID))
		}
	}
	return fmt.Sprintf(`WITH resp AS (
	SELECT participant_id, group_id, timepoint, submitted_at, response_key, response_id, profession, %[3]s,
		epoch_us(submitted_at)::HUGEINT * %[1]s + response_key AS h,
		epoch_us(submitted_at)::HUGEINT * %[1]s - response_key AS h2
	FROM responses WHERE timepoint IN ('pre', '%[2]s')),
agg AS MATERIALIZED (
	SELECT participant_id, any_value(group_id) AS group_id,
		arg_max_null(profession, h) FILTER (WHERE timepoint = 'pre') AS profession,
		%[4]s
	FROM resp GROUP BY participant_id),
tie AS (
	SELECT participant_id, 'pre' AS timepoint, at_pre AS at FROM agg
	WHERE h_pre + h2_pre <> 2 * epoch_us(at_pre)::HUGEINT * %[1]s
	UNION ALL
	SELECT participant_id, '%[2]s', at_later FROM agg
	WHERE h_later + h2_later <> 2 * epoch_us(at_later)::HUGEINT * %[1]s),
chosen AS (
	SELECT CASE WHEN bool_and(TRY_CAST(r.response_id AS DOUBLE) IS NOT NULL)
		THEN arg_max(r.response_key, (TRY_CAST(r.response_id AS DOUBLE), r.response_id))
		ELSE arg_max(r.response_key, r.response_id) END AS response_key
	FROM resp r JOIN tie t ON r.participant_id = t.participant_id AND r.timepoint = t.timepoint AND r.submitted_at = t.at
	GROUP BY r.participant_id, r.timepoint),
fix AS (
	SELECT participant_id, bool_or(timepoint = 'pre') AS fix_pre, bool_or(timepoint <> 'pre') AS fix_later,
		max(response_key) FILTER (WHERE timepoint = 'pre') AS key_pre,
		max(profession) FILTER (WHERE timepoint = 'pre') AS profession,
		%[5]s
	FROM resp JOIN chosen USING (response_key) GROUP BY participant_id),
att AS (
	SELECT participant_id, count(*) FILTER (WHERE attended) AS sessions FROM attendance GROUP BY participant_id)
SELECT a.participant_id, a.group_id, a.h_pre IS NOT NULL AS has_pre, a.h_later IS NOT NULL AS has_later,
	CASE WHEN f.fix_pre THEN f.key_pre ELSE (a.h_pre - epoch_us(a.at_pre)::HUGEINT * %[1]s)::BIGINT END AS pre_key,
	CASE WHEN f.fix_pre THEN f.profession ELSE a.profession END AS profession,
	coalesce(t.sessions, 0)::INTEGER AS sessions,
	%[6]s
FROM agg a LEFT JOIN fix f USING (participant_id) LEFT JOIN att t USING (participant_id)`,
		hugeShift, later, strings.Join(scoreColumns(ms), ", "), strings.Join(agg, ",\n\t\t"),
		strings.Join(fix, ",\n\t\t"), strings.Join(pick, ",\n\t"))
}

func scoreColumns(ms []Measure) []string {
	cols := make([]string, len(ms))
	for i, m := range ms {
		cols[i] = ingest.ScoreColumn(m.ID)
	}
	return cols
}

// peopleQuery reads pp_person for the computation in Go: group, whether the participant passes
// the profession filter (the group filters are applied in Go), counted responses at each
// timepoint, sessions, and per measure the pre and later scores.
func peopleQuery(ms []Measure) string {
	var cols []string
	for _, m := range ms {
		cols = append(cols, "pre_"+m.ID, "later_"+m.ID)
	}
	return `SELECT group_id, coalesce($profession = '' OR profession = $profession, false), has_pre, has_later, sessions, ` +
		strings.Join(cols, ", ") + ` FROM pp_person`
}

// reliabilityQuery returns one row with, per measure, the programme's baseline SD (one counted
// pre score per participant, unfiltered) and the pieces of Cronbach's α over the counted pre
// responses that answered every item of the measure (INSTRUMENTS.md §5): complete cases, item
// count, the sum of item variances and the variance of the total, with points after reversal
// taken from the instrument definitions. Each answers document is parsed once, into a struct of
// every item; an item's points are a list literal indexed by its code, which keeps the query
// cheap to plan.
func reliabilityQuery(ms []Measure) (string, error) {
	var spec, points, flags, aggs []string
	seen := map[string]bool{}
	for mi, m := range ms {
		var complete, items []string
		for _, it := range m.Items {
			complete = append(complete, "p_"+it.ID+" IS NOT NULL")
			items = append(items, "p_"+it.ID)
			if seen[it.ID] {
				continue
			}
			seen[it.ID] = true
			spec = append(spec, fmt.Sprintf(`"%s": "INTEGER"`, it.ID))
			var list []string
			for code := 1; code <= it.Options.Len(); code++ {
				p, err := it.Points(code)
				if err != nil {
					return "", err
				}
				list = append(list, strconv.FormatFloat(p, 'g', -1, 64))
			}
			points = append(points, fmt.Sprintf("list_extract([%s]::DOUBLE[], a.%s) AS p_%s", strings.Join(list, ", "), it.ID, it.ID))
		}
		flags = append(flags, fmt.Sprintf("(%s) AS c%d", strings.Join(complete, " AND "), mi))
		var vars []string
		for _, item := range items {
			vars = append(vars, fmt.Sprintf("var_samp(%s) FILTER (WHERE c%d)", item, mi))
		}
		aggs = append(aggs, fmt.Sprintf("stddev_samp(pre_%s), count(*) FILTER (WHERE c%d), %d, %s, var_samp(%s) FILTER (WHERE c%d)",
			m.ID, mi, len(m.Items), strings.Join(vars, " + "), strings.Join(items, " + "), mi))
	}
	var pres []string
	for _, m := range ms {
		pres = append(pres, "p.pre_"+m.ID)
	}
	return fmt.Sprintf(`SELECT %s FROM (
	SELECT *, %s FROM (
		SELECT *, %s FROM (
			SELECT %s, from_json(r.answers, '{%s}') AS a
			FROM pp_person p JOIN responses r ON r.response_key = p.pre_key WHERE r.timepoint = 'pre')))`,
		strings.Join(aggs, ",\n\t"), strings.Join(flags, ", "), strings.Join(points, ", "),
		strings.Join(pres, ", "), strings.Join(spec, ", ")), nil
}

// groupsQuery reads the groups in the filter with their delivery figures: plan, sessions held,
// facilitator minutes, attendance marks and the people marked.
const groupsQuery = `WITH sess AS (
	SELECT group_id, count(*) AS held, sum(facilitator_minutes) AS minutes FROM sessions GROUP BY group_id),
person_marks AS (
	SELECT s.group_id, count(*) FILTER (WHERE a.attended) AS present
	FROM attendance a JOIN sessions s USING (session_id) GROUP BY s.group_id, a.participant_id),
marks AS (
	SELECT group_id, sum(present) AS present, count(*) AS people FROM person_marks GROUP BY group_id)
SELECT g.group_id, g.group_code, g.modality, g.region, g.capacity, g.planned_sessions, g.facilitator_minutes_budget,
	coalesce(s.held, 0), coalesce(s.minutes, 0), coalesce(m.present, 0), coalesce(m.people, 0)
FROM groups g LEFT JOIN sess s USING (group_id) LEFT JOIN marks m USING (group_id)
WHERE ($modality = '' OR g.modality = $modality) AND ($region = '' OR g.region = $region)
ORDER BY g.group_code`
