package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
)

// groupValues adds the group's delivery row and session pulse to the engine's values.
func groupValues(t *testing.T, vals map[string]float64, res *analysis.Results, code string, pulse []analysis.PulseSession) {
	t.Helper()
	for _, g := range res.Groups {
		if g.GroupCode != code {
			continue
		}
		b, _ := json.Marshal(g)
		var m map[string]any
		json.Unmarshal(b, &m)
		for k, x := range m {
			if f, ok := x.(float64); ok {
				vals["group/"+code+"/"+k] = f
			}
		}
	}
	for _, s := range pulse {
		for _, it := range s.Items {
			ref := "pulse/" + itoa(s.SessionNo) + "/" + it.ItemID + "/"
			vals[ref+"answered"] = float64(it.Answered)
			if it.Mean != nil {
				vals[ref+"mean"] = *it.Mean
			}
			if it.Agree != nil {
				vals[ref+"agree"] = *it.Agree
			}
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestGroupImpactPage(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	// Every demo group reaches 5 pairs: keep only three later answers in the last group so that
	// one group is withheld.
	if _, err := f.db.SQL().Exec(`DELETE FROM responses WHERE timepoint <> 'pre' AND group_id = (SELECT max(group_id) FROM groups)
		AND participant_id NOT IN (SELECT participant_id FROM responses WHERE group_id = (SELECT max(group_id) FROM groups)
			AND timepoint = 'post' ORDER BY participant_id LIMIT 3)`); err != nil {
		t.Fatal(err)
	}
	res, err := analysis.Run(ctx, f.db, f.set, analysis.Options{MinCell: 5})
	if err != nil {
		t.Fatal(err)
	}
	shown, hidden := "", ""
	for _, r := range res.Results {
		if r.Scope == "group" && r.Measure == analysis.HeadlineMeasure {
			if r.Suppressed && hidden == "" {
				hidden = r.Key
			} else if !r.Suppressed && shown == "" {
				shown = r.Key
			}
		}
	}
	if shown == "" || hidden == "" {
		t.Fatalf("the demo pilot needs a shown (%q) and a suppressed (%q) group", shown, hidden)
	}
	// Demo sessions get a handful of feedback answers each: give one session of the shown group
	// twelve, three with comments.
	var pulses []ingest.Response
	for i := range 12 {
		r := ingest.Response{GroupCode: shown, ParticipantCode: fmt.Sprintf("PULSE-%02d", i), Timepoint: "session", SessionNo: 1,
			SubmittedAt: time.Date(2026, 4, 1, 12, i, 0, 0, time.UTC), Source: "import", Answers: map[string]int{"pulse_useful": 1 + i%5}}
		if i < 3 {
			r.Texts = map[string]string{"pulse_comment": fmt.Sprintf("Test comment %d <i>kept as text</i>", i)}
		}
		pulses = append(pulses, r)
	}
	if _, err := f.db.Load(ctx, f.set, &ingest.Batch{Responses: pulses}); err != nil {
		t.Fatal(err)
	}
	ev := f.as(t, "evaluator")
	shownComments, withheldComments := 0, 0
	for _, code := range []string{shown, hidden} {
		r := ev.get("/dashboards/groups/" + code)
		if r.status != 200 {
			t.Fatalf("%s: status %d: %s", code, r.status, r.body)
		}
		pulse, err := analysis.Pulse(ctx, f.db, f.set, code, 5, true)
		if err != nil {
			t.Fatal(err)
		}
		vals := engineValues(t, res, &analysis.Spread{})
		groupValues(t, vals, res, code, pulse)
		if n := checkNumbers(t, r.body, vals); n < 2 {
			t.Errorf("%s: only %d numbers checked", code, n)
		}
		hasImpact := strings.Contains(r.body, `data-ref="row/group/`+code+`/`+analysis.HeadlineMeasure+`/mean_change"`)
		if hasImpact != (code == shown) {
			t.Errorf("%s: impact shown %v", code, hasImpact)
		}
		if code == hidden && !strings.Contains(r.body, "fewer than 5 responses") {
			t.Errorf("%s: no 'fewer than 5 responses'", code)
		}
		s, w := checkComments(t, f, r.body, code, pulse)
		shownComments, withheldComments = shownComments+s, withheldComments+w
	}
	if strings.Contains(ev.get("/dashboards/groups/"+shown).body, "<i>kept") {
		t.Error("a comment's markup reached the page unescaped")
	}
	if shownComments == 0 || withheldComments == 0 {
		t.Errorf("comments shown %d, withheld %d: the demo data no longer tests both", shownComments, withheldComments)
	}

	for _, tc := range []struct {
		role, path string
		status     int
		location   string
	}{
		{"facilitator", "/dashboards/groups/" + f.firstGroup, 303, "/console/groups/" + f.firstGroup},
		{"facilitator", "/dashboards/groups/" + shown, 403, ""},
		{"funder", "/dashboards/groups/" + shown, 403, ""},
		{"admin", "/dashboards/groups/" + shown, 200, ""},
		{"evaluator", "/dashboards/groups/NO-SUCH", 404, ""},
		{"evaluator", "/dashboards/groups/" + shown + "?comparison=sideways", 400, ""},
		{"evaluator", "/dashboards/groups/" + shown + "?comparison=pre-followup", 200, ""},
	} {
		if tc.role == "facilitator" && tc.path == "/dashboards/groups/"+shown && shown == f.firstGroup {
			continue
		}
		r := f.as(t, tc.role).get(tc.path)
		if r.status != tc.status || r.location != tc.location {
			t.Errorf("%s %s: %d %q, want %d %q", tc.role, tc.path, r.status, r.location, tc.status, tc.location)
		}
	}
}

// checkComments: comments of sessions with at least 10 responses are on the page; those of
// smaller sessions are not (unless the same words were also written in a shown session).
func checkComments(t *testing.T, f *dashFixture, body, code string, pulse []analysis.PulseSession) (shown, withheld int) {
	t.Helper()
	page := html.UnescapeString(body)
	visible := map[string]bool{}
	for _, s := range pulse {
		for _, c := range s.Comments {
			visible[c] = true
			shown++
			if !strings.Contains(page, c) {
				t.Errorf("%s session %d: comment %q missing", code, s.SessionNo, c)
			}
		}
	}
	rows, err := f.db.SQL().Query(`SELECT s.session_no, json_extract_string(r.texts, '$.pulse_comment')
		FROM responses r JOIN sessions s USING (session_id) JOIN groups g ON g.group_id = s.group_id
		WHERE g.group_code = ? AND r.texts IS NOT NULL AND s.session_id IN (
			SELECT session_id FROM responses WHERE timepoint = 'session' GROUP BY session_id HAVING count(*) < 10)`, code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var no int
		var text string
		if err := rows.Scan(&no, &text); err != nil {
			t.Fatal(err)
		}
		withheld++
		if !visible[text] && strings.Contains(page, text) {
			t.Errorf("%s session %d has fewer than 10 responses, yet its comment %q is on the page", code, no, text)
		}
	}
	return shown, withheld
}
