package analysis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
)

// The analysis reads DuckDB in a few queries that do the heavy lifting (INSTRUMENTS.md §4): the
// counted response per participant and timepoint, the pairing per measure, and per scope the
// counts, moments and the ranks behind Wilcoxon and Spearman. Ranks are computed over distinct
// values (scores are fractions with few distinct changes) so no query sorts the pairs themselves.

// countedSQL selects the counted response per participant and timepoint (INSTRUMENTS.md §4):
// the latest submitted_at, ties broken by the larger response id, compared as numbers when every
// tied id is numeric, else as text. It is unfiltered: the programme's baseline SD and α use it
// whole. An aggregate picks the winner because DuckDB's window functions cost several times more
// here.
func countedSQL(ms []Measure, later string) string {
	var cols []string
	for _, m := range ms {
		cols = append(cols, "r."+ingest.ScoreColumn(m.ID))
	}
	return fmt.Sprintf(`WITH resp AS (
	SELECT * FROM responses WHERE timepoint IN ('pre', '%[1]s')),
latest AS (
	SELECT participant_id, timepoint, max(submitted_at) AS at FROM resp GROUP BY ALL),
tied AS (
	SELECT r.response_key, r.response_id, r.participant_id, r.timepoint FROM resp r
	JOIN latest l ON r.participant_id = l.participant_id AND r.timepoint = l.timepoint AND r.submitted_at = l.at),
chosen AS (
	SELECT CASE WHEN bool_and(TRY_CAST(response_id AS DOUBLE) IS NOT NULL)
		THEN arg_max(response_key, (TRY_CAST(response_id AS DOUBLE), response_id))
		ELSE arg_max(response_key, response_id) END AS response_key
	FROM tied GROUP BY participant_id, timepoint)
SELECT r.participant_id, r.group_id, r.timepoint, r.profession, r.answers, %[2]s
FROM resp r JOIN chosen c USING (response_key)`, later, strings.Join(cols, ", "))
}

// longSQL selects one row per participant and measure from the counted responses: the scope
// keys, the pre and later scores (NULL when not valid) and sessions attended. The filters restrict
// groups by modality and region and participants by the profession of their counted baseline.
func longSQL(ms []Measure) string {
	var personCols, long []string
	for _, m := range ms {
		c := ingest.ScoreColumn(m.ID)
		personCols = append(personCols,
			fmt.Sprintf("max(%s) FILTER (WHERE timepoint = 'pre') AS pre_%s", c, m.ID),
			fmt.Sprintf("max(%s) FILTER (WHERE timepoint <> 'pre') AS post_%s", c, m.ID))
		long = append(long, fmt.Sprintf(`SELECT participant_id, group_code, modality, region, sessions, '%s' AS measure, pre_%s AS pre, post_%s AS post FROM pg`, m.ID, m.ID, m.ID))
	}
	return fmt.Sprintf(`WITH person AS (
	SELECT participant_id, any_value(group_id) AS group_id,
		max(profession) FILTER (WHERE timepoint = 'pre') AS profession,
		%[1]s
	FROM pp_counted GROUP BY participant_id),
att AS (
	SELECT participant_id, count(DISTINCT session_id) AS sessions FROM attendance WHERE attended GROUP BY participant_id),
pg AS (
	SELECT p.*, g.group_code, g.modality, g.region, coalesce(a.sessions, 0) AS sessions
	FROM person p JOIN groups g USING (group_id) LEFT JOIN att a USING (participant_id)
	WHERE ($modality = '' OR g.modality = $modality) AND ($region = '' OR g.region = $region)
		AND ($profession = '' OR p.profession = $profession))
%[2]s`, strings.Join(personCols, ",\n\t\t"), strings.Join(long, "\nUNION ALL "))
}

// base is the WITH clause the aggregate queries start from, over the per-analysis temp tables.
const base = `WITH long AS (SELECT * FROM pp_long),
pairs AS (SELECT *, post - pre AS d, round(post - pre, 9) AS dr FROM long WHERE pre IS NOT NULL AND post IS NOT NULL)
`

// momentsQuery returns per group and measure: counts at each timepoint, the paired moments (mean
// and variance of change, pre and post), the range of rounded changes and of sessions (to tell a
// constant input), zero changes, prevalence and McNemar counts, and RCI category counts. The
// programme, modality and region rows are merged from these in Go (counts add; means and
// variances combine exactly by Chan's formula), which is far cheaper than grouping the pairs
// again. rci is a VALUES list of (measure, s_diff, higher_is_worse, cutoff).
func momentsQuery(rci string) string {
	return base + `, rci(measure, s_diff, higher_is_worse, cutoff) AS (VALUES ` + rci + `),
classified AS (
	SELECT l.*, l.post - l.pre AS d, round(l.post - l.pre, 9) AS dr, r.cutoff,
		CASE WHEN r.s_diff IS NULL OR l.pre IS NULL OR l.post IS NULL THEN NULL
			WHEN (r.higher_is_worse AND (l.post - l.pre) / r.s_diff <= -1.96) OR (NOT r.higher_is_worse AND (l.post - l.pre) / r.s_diff >= 1.96) THEN
				CASE WHEN r.cutoff IS NOT NULL AND ((r.higher_is_worse AND l.pre >= r.cutoff AND l.post < r.cutoff)
					OR (NOT r.higher_is_worse AND l.pre < r.cutoff AND l.post >= r.cutoff)) THEN 'recovered' ELSE 'improved' END
			WHEN (r.higher_is_worse AND (l.post - l.pre) / r.s_diff >= 1.96) OR (NOT r.higher_is_worse AND (l.post - l.pre) / r.s_diff <= -1.96) THEN 'deteriorated'
			ELSE 'no_change' END AS category
	FROM long l JOIN rci r USING (measure))
SELECT group_code, modality, region, measure,
	count(pre) AS n_pre, count(post) AS n_post, count(d) AS n,
	avg(d), var_samp(d), min(dr), max(dr), count(*) FILTER (WHERE dr = 0),
	avg(pre) FILTER (WHERE d IS NOT NULL), var_samp(pre) FILTER (WHERE d IS NOT NULL),
	avg(post) FILTER (WHERE d IS NOT NULL), var_samp(post) FILTER (WHERE d IS NOT NULL),
	count(*) FILTER (WHERE d IS NOT NULL AND pre >= cutoff), count(*) FILTER (WHERE d IS NOT NULL AND post >= cutoff),
	count(*) FILTER (WHERE d IS NOT NULL AND pre >= cutoff AND post < cutoff),
	count(*) FILTER (WHERE d IS NOT NULL AND pre < cutoff AND post >= cutoff),
	count(*) FILTER (WHERE category = 'recovered'), count(*) FILTER (WHERE category = 'improved'),
	count(*) FILTER (WHERE category = 'no_change'), count(*) FILTER (WHERE category = 'deteriorated'),
	min(sessions) FILTER (WHERE d IS NOT NULL), max(sessions) FILTER (WHERE d IS NOT NULL)
FROM classified
GROUP BY group_code, modality, region, measure`
}

// higherSets groups by measure plus cols within the programme, each modality and each region.
// Groups are ranked separately (groupRanksQuery): they hold a few pairs each, so their distinct
// values do not compress and ranking them with windows would cost a second at 10⁶ responses.
func higherSets(cols ...string) string {
	b := strings.Join(append([]string{"measure"}, cols...), ", ")
	return fmt.Sprintf("GROUPING SETS ((%[1]s), (%[1]s, modality), (%[1]s, region))", b)
}

const higherScopeColumns = `CASE WHEN GROUPING(modality) = 0 THEN 'modality' WHEN GROUPING(region) = 0 THEN 'region' ELSE 'overall' END AS scope,
	CASE WHEN GROUPING(modality) = 0 THEN modality WHEN GROUPING(region) = 0 THEN region ELSE 'all' END AS key`

// groupRanksQuery returns per group and measure what Wilcoxon and Spearman need, like
// wilcoxonQuery and spearmanQuery do for the larger scopes, by ranking each group's short lists
// of changes and sessions with list functions (average ranks for ties; equality on d rounded to
// 9 places).
const groupRanksQuery = `WITH g AS (
	SELECT group_code, measure, list({'d': round(post - pre, 9), 's': sessions::DOUBLE}) AS l
	FROM pp_long WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY group_code, measure),
r AS (
	SELECT group_code, measure, list_transform(l, x -> x.d) AS d, list_transform(l, x -> x.s) AS s FROM g),
k AS (
	SELECT group_code, measure, d,
		list_transform(list_filter(d, x -> x <> 0), x -> abs(x)) AS a,
		list_transform(s, x -> len(list_filter(s, y -> y < x)) + (len(list_filter(s, y -> y = x)) + 1) / 2.0) AS rx,
		list_transform(d, x -> len(list_filter(d, y -> y < x)) + (len(list_filter(d, y -> y = x)) + 1) / 2.0) AS ry
	FROM r)
SELECT group_code, measure,
	len(a),
	coalesce(list_sum(list_transform(list_filter(d, x -> x > 0), x -> len(list_filter(a, y -> y < x)) + (len(list_filter(a, y -> y = x)) + 1) / 2.0)), 0),
	coalesce(list_sum(list_transform(a, x -> len(list_filter(a, y -> y = x)) ^ 2 - 1)), 0),
	len(d), list_sum(rx), list_sum(ry),
	list_sum(list_transform(rx, v -> v * v)), list_sum(list_transform(ry, v -> v * v)),
	list_sum(list_transform(range(1, len(rx) + 1), i -> rx[i] * ry[i]))
FROM k`

// wilcoxonQuery returns per scope, key and measure the signed-rank sums over non-zero changes:
// n′, R+ with average ranks for ties of |d| (on d rounded to 9 places), and Σ t(t²−1).
func wilcoxonQuery() string {
	return base + `, dvals AS (
	SELECT ` + higherScopeColumns + `, measure, ad, count(*) FILTER (WHERE dr > 0) AS pos, count(*) AS t
	FROM (SELECT *, abs(dr) AS ad FROM pairs WHERE dr <> 0) p
	GROUP BY ` + higherSets("ad") + `
	HAVING NOT (GROUPING(region) = 0 AND region IS NULL)),
ranked AS (
	SELECT *, coalesce(sum(t) OVER (PARTITION BY scope, key, measure ORDER BY ad ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below
	FROM dvals)
SELECT scope, key, measure, sum(t) AS n_nonzero, sum(pos * (below + (t + 1) / 2.0)) AS r_plus, sum(t * (t * t - 1)) AS tie_term
FROM ranked GROUP BY scope, key, measure`
}

// spearmanQuery returns per scope, key and measure the sums over average ranks of sessions
// attended (x) and change (y, on d rounded to 9 places) that Spearman's ρ needs, from counts of
// distinct (sessions, change) pairs.
func spearmanQuery() string {
	return base + `, joint AS (
	SELECT ` + higherScopeColumns + `, measure, sessions, dr, count(*) AS c
	FROM pairs GROUP BY ` + higherSets("sessions", "dr") + `
	HAVING NOT (GROUPING(region) = 0 AND region IS NULL)),
sx AS (
	SELECT scope, key, measure, sessions, sum(c) AS c FROM joint GROUP BY ALL),
sxr AS (
	SELECT *, coalesce(sum(c) OVER (PARTITION BY scope, key, measure ORDER BY sessions ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) + (c + 1) / 2.0 AS r FROM sx),
sy AS (
	SELECT scope, key, measure, dr, sum(c) AS c FROM joint GROUP BY ALL),
syr AS (
	SELECT *, coalesce(sum(c) OVER (PARTITION BY scope, key, measure ORDER BY dr ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) + (c + 1) / 2.0 AS r FROM sy)
SELECT j.scope, j.key, j.measure, sum(j.c) AS n, sum(j.c * x.r), sum(j.c * y.r), sum(j.c * x.r * x.r), sum(j.c * y.r * y.r), sum(j.c * x.r * y.r)
FROM joint j JOIN sxr x USING (scope, key, measure, sessions) JOIN syr y USING (scope, key, measure, dr)
GROUP BY j.scope, j.key, j.measure`
}

// reliabilityQuery returns one row with, per measure, the pieces of Cronbach's α over the
// counted pre responses that answered every item of the measure (INSTRUMENTS.md §5): complete
// cases, item count, the sum of item variances and the variance of the total, with points after
// reversal taken from the instrument definitions. Each answers document is parsed once, into a
// struct of every item; an item's points are a list literal indexed by its code, which keeps the
// query cheap to plan.
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
		aggs = append(aggs, fmt.Sprintf("count(*) FILTER (WHERE c%d), %d, %s, var_samp(%s) FILTER (WHERE c%d)",
			mi, len(m.Items), strings.Join(vars, " + "), strings.Join(items, " + "), mi))
	}
	return fmt.Sprintf(`SELECT %s FROM (
	SELECT *, %s FROM (
		SELECT %s FROM (SELECT from_json(answers, '{%s}') AS a FROM pp_counted WHERE timepoint = 'pre')))`,
		strings.Join(aggs, ",\n\t"), strings.Join(flags, ", "), strings.Join(points, ", "), strings.Join(spec, ", ")), nil
}

// baselineSDQuery returns each measure's programme baseline SD: one counted pre score per
// participant, unfiltered.
func baselineSDQuery(ms []Measure) string {
	var cols []string
	for _, m := range ms {
		cols = append(cols, "stddev_samp("+ingest.ScoreColumn(m.ID)+")")
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM pp_counted WHERE timepoint = 'pre'"
}
