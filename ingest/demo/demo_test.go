package demo

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/peerpulse/peerpulse/analysis"
	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

func instruments(t *testing.T) *instrument.Set {
	t.Helper()
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestGenerateIsDeterministic(t *testing.T) {
	set := instruments(t)
	a, err := Generate(set, DefaultOptions(7))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(set, DefaultOptions(7))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two pilots from seed 7 differ")
	}
	c, _ := Generate(set, DefaultOptions(8))
	if reflect.DeepEqual(a.Responses, c.Responses) {
		t.Fatal("seeds 7 and 8 gave the same responses")
	}
}

// loaded is the demo pilot written to a fresh database, shared by the checks below.
func loaded(t *testing.T, seed uint64) *ingest.DB {
	t.Helper()
	ctx := context.Background()
	db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "demo.duckdb"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := Write(ctx, db, instruments(t), DefaultOptions(seed)); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestDemoPilotShape(t *testing.T) {
	for _, seed := range []uint64{1, 42} {
		db := loaded(t, seed)
		checks := []struct {
			name   string
			query  string
			lo, hi float64
		}{
			{"groups", `SELECT count(*) FROM groups`, 50, 50},
			{"modalities used", `SELECT count(DISTINCT modality) FROM groups`, 8, 8},
			{"regions used", `SELECT count(DISTINCT region) FROM groups`, 7, 7},
			{"sessions per group", `SELECT min(n) FROM (SELECT count(*) n FROM sessions GROUP BY group_id)`, 10, 10},
			{"sessions per group (max)", `SELECT max(n) FROM (SELECT count(*) n FROM sessions GROUP BY group_id)`, 10, 10},
			{"session length", `SELECT count(*) FROM sessions WHERE duration_minutes <> 90`, 0, 0},
			{"attendees per group (min)", `SELECT min(n) FROM (SELECT count(*) n FROM participants GROUP BY group_id)`, 9, 13},
			{"attendees per group (mean)", `SELECT avg(n) FROM (SELECT count(*) n FROM participants GROUP BY group_id)`, 10.5, 12.5},
			{"sessions attended (max)", `SELECT max(n) FROM (SELECT count(*) FILTER (attended) n FROM attendance GROUP BY participant_id)`, 9, 10},
			{"someone attended none", `SELECT count(*) FROM (SELECT participant_id FROM attendance GROUP BY participant_id HAVING NOT bool_or(attended))`, 1, 200},
			{"attrition per group (min)", attritionQuery("min"), 0.10, 0.35},
			{"attrition per group (max)", attritionQuery("max"), 0.10, 0.35},
			{"missing items", missingQuery, 0.015, 0.04},
			{"mean change cbi_work (modest improvement)", changeQuery("cbi_work", "avg"), -9, -2},
			{"mean change morale (improves)", changeQuery("morale", "avg"), 0.05, 1.5},
			// Groups differ in their true effect (a few are worse), and with ~9 pairs per group
			// sampling noise moves more of them above zero: most groups must still improve.
			{"groups that got worse on cbi_work", worseGroups, 1, 15},
			{"baseline cbi_work mean", `SELECT avg(score) FROM scale_scores s JOIN responses r USING (response_key) WHERE r.timepoint = 'pre' AND scale = 'cbi_work'`, 40, 60},
			{"baseline morale mean", `SELECT avg(score) FROM scale_scores s JOIN responses r USING (response_key) WHERE r.timepoint = 'pre' AND scale = 'morale'`, 4, 7},
			{"responses dated in the future", `SELECT count(*) FROM responses WHERE submitted_at > TIMESTAMP '2026-11-16'`, 0, 0},
			{"codes unique within a group", `SELECT count(*) FROM (SELECT group_id, code FROM participants GROUP BY ALL HAVING count(*) > 1)`, 0, 0},
			{"responses with no answered item", `SELECT count(*) FROM responses r WHERE NOT EXISTS (SELECT 1 FROM answers a WHERE a.response_key = r.response_key)`, 0, 0},
			{"group codes as FORMATS.md allows", `SELECT count(*) FROM groups WHERE NOT regexp_full_match(group_code, '[A-Za-z0-9_-]{1,32}')`, 0, 0},
			{"answer codes outside 1..5", `SELECT count(*) FROM answers WHERE code NOT BETWEEN 1 AND 5`, 0, 0},
			{"capacity, planned sessions and budget", `SELECT count(*) FROM groups WHERE capacity <> 12 OR planned_sessions <> 10 OR facilitator_minutes_budget <> 900`, 0, 0},
			{"groups over their facilitator budget", `SELECT count(*) FROM (SELECT group_id FROM sessions GROUP BY ALL HAVING sum(facilitator_minutes) > 900)`, 1, 25},
			{"post responses before the last session", `SELECT count(*) FROM responses r WHERE timepoint = 'post' AND submitted_at < (SELECT max(session_date) FROM sessions s WHERE s.group_id = r.group_id)`, 0, 0},
			{"follow-up responses", `SELECT count(*) FROM responses WHERE timepoint = 'followup'`, 50, 400},
			{"pulse responses", `SELECT count(*) FROM responses WHERE timepoint = 'session'`, 500, 3000},
		}
		for _, c := range checks {
			var got float64
			if err := db.SQL().QueryRow(c.query).Scan(&got); err != nil {
				t.Fatalf("seed %d %s: %v", seed, c.name, err)
			}
			if got < c.lo || got > c.hi {
				t.Errorf("seed %d %s = %v, want in [%v, %v]", seed, c.name, got, c.lo, c.hi)
			}
		}
	}
}

// attritionQuery is the share of each group's baseline responders who gave no post response.
func attritionQuery(agg string) string {
	return `SELECT ` + agg + `(dropped / total) FROM (
		SELECT r.group_id, count(DISTINCT r.participant_id)::DOUBLE AS total,
			count(DISTINCT r.participant_id) FILTER (WHERE NOT EXISTS (
				SELECT 1 FROM responses q WHERE q.participant_id = r.participant_id AND q.timepoint = 'post')) AS dropped
		FROM responses r WHERE r.timepoint = 'pre' GROUP BY r.group_id)`
}

// missingQuery is the share of CBI and morale items left blank, leaving out patient scales that
// were skipped whole (the "I don't work with patients" route).
const missingQuery = `WITH asked AS (
		SELECT r.response_key, i.item_id FROM responses r,
			(SELECT DISTINCT item_id FROM answers WHERE item_id LIKE 'cbi_%' OR item_id LIKE 'nss_%') i
		WHERE r.timepoint IN ('pre', 'post', 'followup')
		AND NOT (i.item_id LIKE 'cbi_c%' AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.response_key = r.response_key AND a.item_id LIKE 'cbi_c%')))
	SELECT avg(CASE WHEN a.code IS NULL THEN 1 ELSE 0 END) FROM asked
	LEFT JOIN answers a USING (response_key, item_id)`

// latest is each participant's counted score per timepoint: the latest response (INSTRUMENTS.md §4).
const latest = `WITH counted AS (
		SELECT r.*, row_number() OVER (PARTITION BY participant_id, timepoint ORDER BY submitted_at DESC, response_id DESC) AS rn
		FROM responses r),
	scores AS (SELECT c.group_id, c.participant_id, c.timepoint, s.scale, s.score
		FROM counted c JOIN scale_scores s USING (response_key) WHERE c.rn = 1),
	paired AS (SELECT a.group_id, a.scale, b.score - a.score AS d FROM scores a JOIN scores b
		ON a.participant_id = b.participant_id AND a.scale = b.scale AND a.timepoint = 'pre' AND b.timepoint = 'post'
		WHERE a.score IS NOT NULL AND b.score IS NOT NULL)`

func changeQuery(scale, agg string) string {
	return latest + ` SELECT ` + agg + `(d) FROM paired WHERE scale = '` + scale + `'`
}

const worseGroups = latest + ` SELECT count(*) FROM (SELECT group_id FROM paired WHERE scale = 'cbi_work' GROUP BY group_id HAVING avg(d) > 0)`

// TestDemoReliability checks that every scale's Cronbach's α over complete baseline answers
// is realistic (0.8–0.95), computed from the stored raw answers with the instrument's points.
func TestDemoReliability(t *testing.T) {
	db := loaded(t, 1)
	set := instruments(t)
	for _, scale := range []string{"cbi_personal", "cbi_work", "cbi_patient", "morale_leaving", "morale_pressure", "morale_stressors", "morale"} {
		in, sc, ok := set.Scale(scale)
		if !ok {
			t.Fatalf("no scale %s", scale)
		}
		items := sc.Items
		if sc.IsComposite() {
			items = nil
			for _, part := range sc.Composite {
				_, p, _ := set.Scale(part)
				items = append(items, p.Items...)
			}
		}
		rows := completeRows(t, db, in, items)
		alpha, ok := analysis.CronbachAlpha(rows)
		if !ok || alpha < 0.8 || alpha > 0.95 {
			t.Errorf("%s: alpha = %.3f over %d complete responses, want 0.80–0.95", scale, alpha, len(rows))
		}
		t.Logf("%s: alpha %.3f (n=%d)", scale, alpha, len(rows))
	}
}

func completeRows(t *testing.T, db *ingest.DB, in *instrument.Instrument, items []string) [][]float64 {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT a.response_key, a.item_id, a.code FROM answers a JOIN responses r USING (response_key)
		WHERE r.timepoint = 'pre' ORDER BY a.response_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byResponse := map[int64]map[string]int{}
	for rows.Next() {
		var key int64
		var item string
		var code int
		if err := rows.Scan(&key, &item, &code); err != nil {
			t.Fatal(err)
		}
		if byResponse[key] == nil {
			byResponse[key] = map[string]int{}
		}
		byResponse[key][item] = code
	}
	var out [][]float64
	for _, answers := range byResponse {
		row := make([]float64, 0, len(items))
		for _, id := range items {
			code, ok := answers[id]
			if !ok {
				break
			}
			it, _ := in.Item(id)
			p, err := it.Points(code)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, p)
		}
		if len(row) == len(items) {
			out = append(out, row)
		}
	}
	return out
}
