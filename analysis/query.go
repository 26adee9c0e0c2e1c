package analysis

import (
	"fmt"
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

// groupingSets groups by measure plus cols within each scope: the programme, each group, each
// modality and each region.
func groupingSets(cols ...string) string {
	base := append([]string{"measure"}, cols...)
	b := strings.Join(base, ", ")
	return fmt.Sprintf("GROUPING SETS ((%[1]s), (%[1]s, group_code), (%[1]s, modality), (%[1]s, region))", b)
}

// scopeColumns labels a grouping-sets row with its scope and key; region rows of groups without a
// region are dropped by the caller (keyIsNull).
const scopeColumns = `CASE WHEN GROUPING(group_code) = 0 THEN 'group' WHEN GROUPING(modality) = 0 THEN 'modality'
		WHEN GROUPING(region) = 0 THEN 'region' ELSE 'overall' END AS scope,
	CASE WHEN GROUPING(group_code) = 0 THEN group_code WHEN GROUPING(modality) = 0 THEN modality
		WHEN GROUPING(region) = 0 THEN region ELSE 'all' END AS key`

// momentsQuery returns per scope, key and measure: counts at each timepoint, the paired moments,
// zero and distinct changes, prevalence and McNemar counts, and RCI category counts. rci is a
// VALUES list of (measure, s_diff, higher_is_worse, cutoff) built from the first stage.
func momentsQuery(rci string) string {
	return base + `, rci(measure, s_diff, higher_is_worse, cutoff) AS (VALUES ` + rci + `),
classified AS (
	SELECT l.*, l.post - l.pre AS d, round(l.post - l.pre, 9) AS dr,
		(l.post - l.pre) / r.s_diff AS rci, r.higher_is_worse AS hiw, r.cutoff,
		CASE WHEN r.s_diff IS NULL OR l.pre IS NULL OR l.post IS NULL THEN NULL
			WHEN (r.higher_is_worse AND (l.post - l.pre) / r.s_diff <= -1.96) OR (NOT r.higher_is_worse AND (l.post - l.pre) / r.s_diff >= 1.96) THEN
				CASE WHEN r.cutoff IS NOT NULL AND ((r.higher_is_worse AND l.pre >= r.cutoff AND l.post < r.cutoff)
					OR (NOT r.higher_is_worse AND l.pre < r.cutoff AND l.post >= r.cutoff)) THEN 'recovered' ELSE 'improved' END
			WHEN (r.higher_is_worse AND (l.post - l.pre) / r.s_diff >= 1.96) OR (NOT r.higher_is_worse AND (l.post - l.pre) / r.s_diff <= -1.96) THEN 'deteriorated'
			ELSE 'no_change' END AS category
	FROM long l JOIN rci r USING (measure))
SELECT ` + scopeColumns + `, measure,
	count(pre) AS n_pre, count(post) AS n_post,
	count(d) AS n,
	avg(d), stddev_samp(d), count(DISTINCT dr), count(*) FILTER (WHERE dr = 0),
	avg(pre) FILTER (WHERE d IS NOT NULL), stddev_samp(pre) FILTER (WHERE d IS NOT NULL),
	avg(post) FILTER (WHERE d IS NOT NULL), stddev_samp(post) FILTER (WHERE d IS NOT NULL),
	count(*) FILTER (WHERE d IS NOT NULL AND pre >= cutoff), count(*) FILTER (WHERE d IS NOT NULL AND post >= cutoff),
	count(*) FILTER (WHERE d IS NOT NULL AND pre >= cutoff AND post < cutoff),
	count(*) FILTER (WHERE d IS NOT NULL AND pre < cutoff AND post >= cutoff),
	count(*) FILTER (WHERE category = 'recovered'), count(*) FILTER (WHERE category = 'improved'),
	count(*) FILTER (WHERE category = 'no_change'), count(*) FILTER (WHERE category = 'deteriorated'),
	count(DISTINCT sessions) FILTER (WHERE d IS NOT NULL)
FROM classified
GROUP BY ` + groupingSets() + `
HAVING NOT (GROUPING(region) = 0 AND region IS NULL)`
}

// wilcoxonQuery returns per scope, key and measure the signed-rank sums over non-zero changes:
// n′, R+ with average ranks for ties of |d| (on d rounded to 9 places), and Σ t(t²−1).
func wilcoxonQuery() string {
	return base + `, dvals AS (
	SELECT ` + scopeColumns + `, measure, ad, count(*) FILTER (WHERE dr > 0) AS pos, count(*) AS t
	FROM (SELECT *, abs(dr) AS ad FROM pairs WHERE dr <> 0) p
	GROUP BY ` + groupingSets("ad") + `
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
	SELECT ` + scopeColumns + `, measure, sessions, dr, count(*) AS c
	FROM pairs GROUP BY ` + groupingSets("sessions", "dr") + `
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

// reliabilityQuery returns one row with, per measure, the programme's baseline SD (one counted
// pre score per participant, unfiltered) and the pieces of Cronbach's α over the counted pre
// responses that answered every item of the measure (INSTRUMENTS.md §5): complete cases, the sum
// of item variances and the variance of the total, with points after reversal taken from the
// instrument definitions. Each answers document is parsed once, into a struct of every item.
func reliabilityQuery(ms []Measure) (string, error) {
	var spec, aggs []string
	seen := map[string]bool{}
	for mi, m := range ms {
		var points []string
		for _, it := range m.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				spec = append(spec, fmt.Sprintf(`"%s": "INTEGER"`, it.ID))
			}
			var cases []string
			for code := 1; code <= it.Options.Len(); code++ {
				p, err := it.Points(code)
				if err != nil {
					return "", err
				}
				cases = append(cases, fmt.Sprintf("WHEN %d THEN %v", code, p))
			}
			points = append(points, fmt.Sprintf("(CASE a.%s %s END)", it.ID, strings.Join(cases, " ")))
		}
		var itemVars []string
		for _, p := range points {
			itemVars = append(itemVars, fmt.Sprintf("var_samp(%s) FILTER (WHERE c%d)", p, mi))
		}
		aggs = append(aggs, fmt.Sprintf(`stddev_samp(%s), count(*) FILTER (WHERE c%d), %d, %s, var_samp(%s) FILTER (WHERE c%d)`,
			ingest.ScoreColumn(m.ID), mi, len(m.Items), strings.Join(itemVars, " + "), strings.Join(points, " + "), mi))
	}
	var flags []string
	for mi, m := range ms {
		var complete []string
		for _, it := range m.Items {
			complete = append(complete, "a."+it.ID+" IS NOT NULL")
		}
		flags = append(flags, fmt.Sprintf("%s AS c%d", strings.Join(complete, " AND "), mi))
	}
	return fmt.Sprintf(`SELECT %s FROM (
	SELECT *, %s FROM (SELECT *, from_json(answers, '{%s}') AS a FROM pp_counted WHERE timepoint = 'pre'))`,
		strings.Join(aggs, ",\n\t"), strings.Join(flags, ", "), strings.Join(spec, ", ")), nil
}
