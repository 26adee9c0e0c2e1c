package importer

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/tabular"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Timepoints a response file may hold; the session pulse is collected on the web only.
var importTimepoints = []string{"pre", "post", "followup"}

// responseSpec knows the columns of responses.csv: the fixed ones and every item of an
// instrument asked at a questionnaire timepoint.
type responseSpec struct {
	items   []*instrument.Item
	askedAt map[string]map[string]bool // timepoint → item id → asked
	columns []string
}

func newResponseSpec(set *instrument.Set) responseSpec {
	s := responseSpec{askedAt: map[string]map[string]bool{}}
	s.columns = []string{"response_id", "group_code", "participant_code", "timepoint", "submitted_at", "profession", "career_stage"}
	seen := map[string]bool{}
	for _, tp := range importTimepoints {
		s.askedAt[tp] = map[string]bool{}
		for _, in := range set.ForTimepoint(tp) {
			for i := range in.Items {
				it := &in.Items[i]
				s.askedAt[tp][it.ID] = true
				if !seen[it.ID] {
					seen[it.ID] = true
					s.items = append(s.items, it)
					s.columns = append(s.columns, it.ID)
				}
			}
		}
	}
	return s
}

// itemColumns finds each item's column in a file once, instead of by name on every row.
func (s responseSpec) itemColumns(c columns) []int {
	cols := make([]int, len(s.items))
	for i, it := range s.items {
		cols[i] = -1
		if j, ok := c.index[it.ID]; ok {
			cols[i] = j
		}
	}
	return cols
}

var responseRequired = []string{"group_code", "participant_code", "timepoint", "submitted_at"}

// responseRow validates one row of responses.csv. The answers are codes or option labels; empty
// cells are unanswered items.
func (s responseSpec) responseRow(c columns, itemCols []int, row tabular.Row, e *rowErrors, knownGroup func(string) bool) ingest.Response {
	r := ingest.Response{ResponseID: c.get(row, "response_id"), GroupCode: c.get(row, "group_code"),
		ParticipantCode: normaliseCode(c.get(row, "participant_code")), Source: "import", Answers: make(map[string]int, len(s.items))}
	if len(r.ResponseID) > 128 {
		e.add("response_id", r.ResponseID, "is longer than 128 characters")
	}
	switch {
	case r.GroupCode == "":
		e.add("group_code", r.GroupCode, "is required")
	case !knownGroup(r.GroupCode):
		e.add("group_code", r.GroupCode, "unknown group")
	}
	if r.ParticipantCode == "" || len(r.ParticipantCode) > 64 {
		e.add("participant_code", c.get(row, "participant_code"), "is required (1 to 64 characters)")
	}
	tp := c.get(row, "timepoint")
	if v, ok := oneOf(tp, importTimepoints); ok {
		r.Timepoint = v
	} else {
		e.add("timepoint", tp, "must be pre, post or followup")
	}
	at := c.get(row, "submitted_at")
	if t, err := parseTime(at); err != nil {
		e.add("submitted_at", at, "%v", err)
	} else {
		r.SubmittedAt = t
	}
	for _, d := range []struct {
		col     string
		dst     *string
		allowed []string
	}{{"profession", &r.Profession, ingest.Professions}, {"career_stage", &r.CareerStage, ingest.CareerStages}} {
		if v := c.get(row, d.col); v != "" {
			if canon, ok := oneOf(v, d.allowed); ok {
				*d.dst = canon
			} else {
				e.add(d.col, v, "must be one of %s", strings.Join(d.allowed, ", "))
			}
		}
	}
	for i, it := range s.items {
		col := itemCols[i]
		if col < 0 || col >= len(row.Cells) {
			continue
		}
		raw := strings.TrimSpace(row.Cells[col])
		if raw == "" {
			continue
		}
		code, err := answerCode(it, raw)
		switch {
		case err != nil:
			e.add(it.ID, raw, "%v", err)
		case r.Timepoint != "" && !s.askedAt[r.Timepoint][it.ID]:
			e.add(it.ID, raw, "is not asked at %s", r.Timepoint)
		default:
			r.Answers[it.ID] = code
		}
	}
	if len(r.Answers) == 0 && e.ok() {
		e.add("(answers)", "", "no answered item")
	}
	return r
}

// answerCode reads an answer: a code 1..N, or an option label (any case; spaces collapsed).
// Codes are by far the commonest, so they skip the label matching.
func answerCode(it *instrument.Item, raw string) (int, error) {
	if len(raw) == 1 && raw[0] >= '1' && raw[0] <= '9' {
		code := int(raw[0] - '0')
		if code <= it.Options.Len() {
			return code, nil
		}
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil && f == float64(int(f)) && !strings.ContainsAny(raw, "eE") {
		raw = strconv.Itoa(int(f)) // Excel writes 3 as "3.0"
	}
	code, ok, err := it.ParseAnswer(raw)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, nil
	}
	return code, nil
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// derivedID gives a response without a source id an id from its content, so that importing the
// same file twice finds the same ids and adds nothing.
func derivedID(fp string) string { return "imp-" + fp[:20] }
