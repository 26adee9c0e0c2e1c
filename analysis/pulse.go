package analysis

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// PulseMinRespondents is the fewest session-pulse responses for which a session's results and
// comments are shown (DESIGN.md: comments above ≥ 10), whatever a lower min cell says.
const PulseMinRespondents = 10

// pulseInstrument is the definition file of the session pulse.
const pulseInstrument = "pulse"

// PulseItem is one pulse question's result for a session.
type PulseItem struct {
	ItemID   string   `json:"item"`
	Text     string   `json:"text"`
	Answered int      `json:"answered"`
	Mean     *float64 `json:"mean"`  // of the item's points (1..5)
	Agree    *float64 `json:"agree"` // share answering one of the top two options
}

// PulseSession is the session pulse of one session. A suppressed session carries only its
// number and date: not even its count of responses.
type PulseSession struct {
	SessionNo   int         `json:"session_no"`
	Date        time.Time   `json:"date"`
	Suppressed  bool        `json:"suppressed"`
	Respondents *int        `json:"respondents,omitempty"`
	Items       []PulseItem `json:"items,omitempty"`
	Comments    []string    `json:"comments,omitempty"`
}

// Pulse summarises the session pulse of every session of one group. A session is shown when it
// has at least max(minCell, PulseMinRespondents) responses; comments are returned only when
// withComments (evaluators) and in alphabetical order, so their order says nothing about who
// answered when.
func Pulse(ctx context.Context, db *ingest.DB, set *instrument.Set, group string, minCell int, withComments bool) ([]PulseSession, error) {
	in, ok := set.Get(pulseInstrument)
	if !ok {
		return nil, nil
	}
	floor := max(minCell, PulseMinRespondents)
	var cols []string
	for _, it := range in.Items {
		pts, err := itemPoints(&it)
		if err != nil {
			return nil, err
		}
		var top []string
		for code := max(1, it.Options.Len()-1); code <= it.Options.Len(); code++ {
			top = append(top, strconv.Itoa(code))
		}
		code := fmt.Sprintf("TRY_CAST(json_extract_string(r.answers, '$.%s') AS INTEGER)", it.ID)
		cols = append(cols, fmt.Sprintf("count(%[1]s), avg(list_extract(%[2]s, %[1]s)), avg(CASE WHEN %[1]s IS NULL THEN NULL WHEN %[1]s IN (%[3]s) THEN 1.0 ELSE 0.0 END)",
			code, doubleList(pts), strings.Join(top, ", ")))
	}
	comment := "NULL::VARCHAR[]"
	if withComments && len(in.TextFields) > 0 {
		// Unordered: textList sorts the comments.
		comment = fmt.Sprintf("list(json_extract_string(r.texts, '$.%[1]s')) FILTER (WHERE nullif(trim(json_extract_string(r.texts, '$.%[1]s')), '') IS NOT NULL)",
			in.TextFields[0].ID)
	}
	q := fmt.Sprintf(`SELECT s.session_no, s.session_date, count(r.response_key), %s, %s
FROM sessions s JOIN groups g USING (group_id) LEFT JOIN responses r ON r.session_id = s.session_id AND r.timepoint = 'session'
WHERE g.group_code = ? GROUP BY s.session_no, s.session_date ORDER BY s.session_no`, strings.Join(cols, ", "), comment)
	rows, err := db.SQL().QueryContext(ctx, q, group)
	if err != nil {
		return nil, fmt.Errorf("analysis: session pulse of %s: %w", group, err)
	}
	defer rows.Close()
	var out []PulseSession
	for rows.Next() {
		var s PulseSession
		var n int
		answered := make([]int, len(in.Items))
		means, agree := make([]sql.NullFloat64, len(in.Items)), make([]sql.NullFloat64, len(in.Items))
		var comments any
		dest := []any{&s.SessionNo, &s.Date, &n}
		for i := range in.Items {
			dest = append(dest, &answered[i], &means[i], &agree[i])
		}
		dest = append(dest, &comments)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("analysis: session pulse of %s: %w", group, err)
		}
		if s.Suppressed = n < floor; !s.Suppressed {
			s.Respondents = count(n)
			for i, it := range in.Items {
				s.Items = append(s.Items, PulseItem{ItemID: it.ID, Text: it.Text, Answered: answered[i],
					Mean: num(means[i].Float64, means[i].Valid), Agree: num(agree[i].Float64, agree[i].Valid)})
			}
			s.Comments = textList(comments)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// textList reads a DuckDB VARCHAR[] however the driver hands it over, sorted: the query lists
// comments in no particular order.
func textList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case []byte, string:
		_ = json.Unmarshal([]byte(fmt.Sprint(l)), &out)
	}
	slices.Sort(out)
	return out
}
