package analysis

import (
	"fmt"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
)

// The analysis asks DuckDB for what only it can do cheaply: the counting rule over every
// response, sessions attended, the item points behind Cronbach's α, and the delivery figures per
// group. Everything per scope (moments, ranks, categories) is computed in Go from one row per
// participant (see impact_cells.go): per-scope SQL costs milliseconds of execution even on a pilot and
// seconds on a national programme, because its results must then be read back row by row.

// hugeShift is 2⁶³: submitted_at in microseconds times hugeShift plus a response key orders
// responses by time, then by key, in one HUGEINT that DuckDB compares cheaply.
const hugeShift = "9223372036854775808"

// personSQL selects one row per participant with a counted response at pre or at the later
// timepoint (INSTRUMENTS.md §4), unfiltered: participant and group; flags (bit 0: a counted
// pre response, bit 1: a counted later response, bit 2: needs the tie rule, bit 3: passes the
// profession filter $profession by the counted baseline's profession; above them, sessions
// attended: one column instead of five saves a fifth of the values read); the counted
// baseline's answers document (empty without one); and per measure the pre and later scores,
// NaN when not valid. No column is NULL: the driver asks DuckDB's C API about every value of a
// column that has NULLs, which costs more than reading it.
//
// The counted response is the latest submitted_at; ties are broken by the larger response id,
// compared as numbers when every tied id is numeric, else as text. One aggregation picks the
// latest response with the key h = (submitted_at, response_key) and, with h2 = (submitted_at,
// −response_key), tells whether it was alone at its time (the largest and the smallest key
// agree); arg_max_null takes a whole response, so an invalid (NULL) score of the counted response
// is not replaced by an earlier one. The rule for ties of submitted_at needs a second look at the
// tied responses; it is costly to plan even when nobody is tied, so the first query only flags
// tied participants (flag bit 2) and, when there are any, exactSQL reads them again.
//
// span limits it to participant ids lo..hi: readPeople reads a national programme in spans so
// that DuckDB aggregates and materialises one span at a time (see peopleSpan).
func personSQL(ms []Measure, later string, span idSpan) string {
	return personQuery(ms, later, "", span)
}

// idSpan is an inclusive range of participant ids.
type idSpan struct{ lo, hi int64 }

// filter is the SQL condition that keeps the span's participants.
func (s idSpan) filter() string {
	return fmt.Sprintf("participant_id BETWEEN %d AND %d", s.lo, s.hi)
}

// exactSQL is personSQL for the participants listed (a comma-separated list of ids), with
// ties of submitted_at resolved by the id rule.
func exactSQL(ms []Measure, later, participants string) string {
	return personQuery(ms, later, participants, idSpan{})
}

func personQuery(ms []Measure, later, only string, span idSpan) string {
	exact := only != ""
	tps := []struct{ name, cond string }{{"pre", "timepoint = 'pre'"}, {"later", "timepoint <> 'pre'"}}
	var agg, fix, pick []string
	for _, tp := range tps {
		agg = append(agg, fmt.Sprintf("max(submitted_at) FILTER (WHERE %[2]s) AS at_%[1]s, max(h) FILTER (WHERE %[2]s) AS h_%[1]s, max(h2) FILTER (WHERE %[2]s) AS h2_%[1]s", tp.name, tp.cond))
		for _, m := range ms {
			c := ingest.ScoreColumn(m.ID)
			agg = append(agg, fmt.Sprintf("arg_max_null(%s, h) FILTER (WHERE %s) AS %s_%s", c, tp.cond, tp.name, m.ID))
			fix = append(fix, fmt.Sprintf("max(%s) FILTER (WHERE %s) AS %s_%s", c, tp.cond, tp.name, m.ID))
			if exact {
				pick = append(pick, fmt.Sprintf("CASE WHEN f.fix_%[1]s THEN f.%[1]s_%[2]s ELSE a.%[1]s_%[2]s END", tp.name, m.ID))
			} else {
				pick = append(pick, fmt.Sprintf("a.%s_%s", tp.name, m.ID))
			}
		}
	}
	// The scores in the order peopleColumns reads them: pre and later per measure.
	var scores, out []string
	for mi := range ms {
		scores = append(scores, fmt.Sprintf("%s AS s%d, %s AS s%d", pick[mi], 2*mi, pick[len(ms)+mi], 2*mi+1))
		out = append(out, fmt.Sprintf("coalesce(p.s%d, 'NaN'::DOUBLE), coalesce(p.s%d, 'NaN'::DOUBLE)", 2*mi, 2*mi+1))
	}
	alone := func(tp string) string {
		return fmt.Sprintf("h_%[1]s + h2_%[1]s = 2 * epoch_us(at_%[1]s)::HUGEINT * %[2]s", tp, hugeShift)
	}
	// keep picks the participants read: the span's, or the listed ones. It filters both the
	// responses and the attendance.
	keep := span.filter()
	if exact {
		keep = "participant_id IN (" + only + ")"
	}
	where, attWhere, fixCTEs, fixJoin := " AND "+keep, " WHERE "+keep, "", ""
	tied := fmt.Sprintf("NOT coalesce(%s, true) OR NOT coalesce(%s, true)", alone("pre"), alone("later"))
	preKey := fmt.Sprintf("(a.h_pre - epoch_us(a.at_pre)::HUGEINT * %s)::BIGINT", hugeShift)
	profession := "a.profession"
	if exact {
		fixCTEs = fmt.Sprintf(`tie AS (
	SELECT participant_id, 'pre' AS timepoint, at_pre AS at FROM agg WHERE NOT %[1]s
	UNION ALL
	SELECT participant_id, '%[3]s', at_later FROM agg WHERE NOT %[2]s),
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
		%[4]s
	FROM resp JOIN chosen USING (response_key) GROUP BY participant_id),
`, alone("pre"), alone("later"), later, strings.Join(fix, ",\n\t\t"))
		fixJoin = " LEFT JOIN fix f USING (participant_id)"
		tied = "false"
		preKey = "CASE WHEN f.fix_pre THEN f.key_pre ELSE " + preKey + " END"
		profession = "CASE WHEN f.fix_pre THEN f.profession ELSE a.profession END"
	}
	return fmt.Sprintf(`WITH resp AS (
	SELECT participant_id, group_id, timepoint, submitted_at, response_key, response_id, profession, %[3]s,
		epoch_us(submitted_at)::HUGEINT * %[1]s + response_key AS h,
		epoch_us(submitted_at)::HUGEINT * %[1]s - response_key AS h2
	FROM responses WHERE timepoint IN ('pre', '%[2]s')%[5]s),
agg AS MATERIALIZED (
	SELECT participant_id, any_value(group_id) AS group_id,
		arg_max_null(profession, h) FILTER (WHERE timepoint = 'pre') AS profession,
		%[4]s
	FROM resp GROUP BY participant_id),
%[6]satt AS (
	SELECT participant_id, count(*) FILTER (WHERE attended) AS sessions FROM attendance%[13]s GROUP BY participant_id),
person AS (
	SELECT a.participant_id, a.group_id, %[7]s AS profession, a.h_pre IS NOT NULL AS has_pre, a.h_later IS NOT NULL AS has_later,
		%[8]s AS tied, %[9]s AS pre_key, coalesce(t.sessions, 0)::INTEGER AS sessions,
		%[10]s
	FROM agg a%[11]s LEFT JOIN att t USING (participant_id))
SELECT p.participant_id, p.group_id,
	p.sessions * 16 + p.has_pre::INTEGER + 2 * p.has_later::INTEGER + 4 * p.tied::INTEGER
		+ 8 * coalesce($profession = '' OR p.profession = $profession, false)::INTEGER,
	coalesce(r.answers, ''), %[12]s
FROM person p LEFT JOIN responses r ON r.response_key = p.pre_key AND r.timepoint = 'pre'`,
		hugeShift, later, strings.Join(scoreColumns(ms), ", "), strings.Join(agg, ",\n\t\t"), where,
		fixCTEs, profession, tied, preKey, strings.Join(scores, ",\n\t\t"), fixJoin, strings.Join(out, ", "), attWhere)
}

func scoreColumns(ms []Measure) []string {
	cols := make([]string, len(ms))
	for i, m := range ms {
		cols[i] = ingest.ScoreColumn(m.ID)
	}
	return cols
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
