package workbook

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// measureInfo is how a measure is labelled: its scale title and direction.
type measureInfo struct {
	id, title     string
	higherIsWorse bool
	cutoff        *float64
}

// betterWhen says in words which direction of change is an improvement.
func (m measureInfo) betterWhen() string {
	if m.higherIsWorse {
		return "lower"
	}
	return "higher"
}

// measureInfos lists the measures the results hold, in the contract's order.
func measureInfos(set *instrument.Set, res *analysis.Results) []measureInfo {
	out := make([]measureInfo, 0, len(analysis.MeasureIDs))
	for _, id := range analysis.MeasureIDs {
		m := measureInfo{id: id, title: id}
		if in, sc, ok := set.Scale(id); ok {
			m.title, m.higherIsWorse, m.cutoff = sc.Title+" ("+shortName(in)+")", sc.HigherIsWorse, sc.Cutoff
		}
		out = append(out, m)
	}
	return out
}

func shortName(in *instrument.Instrument) string {
	switch in.ID {
	case "cbi":
		return "CBI"
	case "nss_morale":
		return "NSS"
	}
	return in.Title
}

func (r *report) measure(id string) measureInfo {
	for _, m := range r.measures {
		if m.id == id {
			return m
		}
	}
	return measureInfo{id: id, title: id}
}

// meta is what the report says about the data beside the results.
type meta struct {
	from, to   time.Time // first and last questionnaire of the comparison's timepoints
	hasPeriod  bool
	version    string // schema version, response count and latest submission
	groupNames map[string]string
}

// readMeta reads the period the responses span, a data version a reader can quote, and the
// groups' display names (staff data).
func readMeta(ctx context.Context, db *ingest.DB, comparison string, f analysis.Filter) (meta, error) {
	m := meta{groupNames: map[string]string{}}
	later := analysis.Comparisons[comparison]
	if later == "" {
		later = "post"
	}
	var from, to sql.NullTime
	err := db.SQL().QueryRowContext(ctx, `SELECT min(r.submitted_at), max(r.submitted_at) FROM responses r
		JOIN groups g USING (group_id)
		WHERE r.timepoint IN ('pre', $1) AND ($2 = '' OR g.modality = $2) AND ($3 = '' OR g.region = $3)`,
		later, f.Modality, f.Region).Scan(&from, &to)
	if err != nil {
		return m, fmt.Errorf("workbook: period: %w", err)
	}
	m.from, m.to, m.hasPeriod = from.Time, to.Time, from.Valid && to.Valid
	var schema, n int
	var last sql.NullTime
	err = db.SQL().QueryRowContext(ctx, `SELECT (SELECT max(version) FROM schema_migrations),
		count(*), max(submitted_at) FROM responses`).Scan(&schema, &n, &last)
	if err != nil {
		return m, fmt.Errorf("workbook: data version: %w", err)
	}
	m.version = fmt.Sprintf("schema %d, %d responses", schema, n)
	if last.Valid {
		m.version += ", latest " + last.Time.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT group_code, name FROM groups`)
	if err != nil {
		return m, fmt.Errorf("workbook: group names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return m, err
		}
		m.groupNames[code] = name
	}
	return m, rows.Err()
}

// filters describes the analysis's filters in words.
func (r *report) filters() string {
	f := r.o.Filter
	s := ""
	add := func(label, v string) {
		if v == "" {
			return
		}
		if s != "" {
			s += "; "
		}
		s += label + " " + v
	}
	add("modality", f.Modality)
	add("region", f.Region)
	add("profession at baseline", f.Profession)
	if s == "" {
		return "none (whole programme)"
	}
	return s
}

// comparisonWords says what before and after mean.
func (r *report) comparisonWords() string {
	if r.res.Comparison == "pre-followup" {
		return "before (baseline) and at follow-up"
	}
	return "before (baseline) and after (end of programme)"
}

// fewer is what a suppressed cell reads.
func (r *report) fewer() string { return fmt.Sprintf("fewer than %d", r.res.MinCell) }

// dictEntry is one column in the data dictionary.
type dictEntry struct {
	sheet, column, meaning, format string
}

// column is one column of a table: its header, what it means, how it is shown and its width.
type column struct {
	name, meaning, format string
	width                 float64
}

// define records a table's columns for the data dictionary and returns headers and widths.
func (r *report) define(sheet string, cols []column) (names []string, widths []float64) {
	for _, c := range cols {
		names = append(names, c.name)
		widths = append(widths, c.width)
		r.dict = append(r.dict, dictEntry{sheet, c.name, c.meaning, c.format})
	}
	return names, widths
}

// periodWords says when the compared questionnaires were answered.
func (r *report) periodWords() string {
	if !r.meta.hasPeriod {
		return "no questionnaires yet"
	}
	return "questionnaires answered " + r.meta.from.UTC().Format("2 January 2006") + " to " + r.meta.to.UTC().Format("2 January 2006")
}
