package surveys_test

import (
	"database/sql"
	"testing"
)

// storedResponse is one response as the database holds it.
type storedResponse struct {
	key           int64
	participantID int
	code          string
	timepoint     string
	sessionNo     int
	profession    string
	careerStage   string
	answers       map[string]int
	scores        map[string]*float64 // nil: not valid
	texts         map[string]string
}

// responses reads every response of the group OPEN-1, oldest first, with its answers,
// scores and texts.
func (f *fixture) responses(t testing.TB) []storedResponse {
	t.Helper()
	db := f.db.SQL()
	rows, err := db.Query(`SELECT r.response_key, p.participant_id, p.code, r.timepoint, coalesce(s.session_no, 0),
			coalesce(r.profession, ''), coalesce(r.career_stage, '')
		FROM responses r JOIN participants p USING (participant_id) JOIN groups g ON g.group_id = r.group_id
		LEFT JOIN sessions s ON s.session_id = r.session_id
		WHERE g.group_code = 'OPEN-1' ORDER BY r.submitted_at, r.response_key`)
	if err != nil {
		t.Fatal(err)
	}
	var out []storedResponse
	for rows.Next() {
		var r storedResponse
		if err := rows.Scan(&r.key, &r.participantID, &r.code, &r.timepoint, &r.sessionNo, &r.profession, &r.careerStage); err != nil {
			t.Fatal(err)
		}
		r.answers, r.scores, r.texts = map[string]int{}, map[string]*float64{}, map[string]string{}
		out = append(out, r)
	}
	rows.Close()
	for i := range out {
		r := &out[i]
		eachRow(t, db, `SELECT item_id, code FROM answers WHERE response_key = ?`, r.key, func(scan func(...any)) {
			var id string
			var code int
			scan(&id, &code)
			r.answers[id] = code
		})
		eachRow(t, db, `SELECT scale, score FROM scale_scores WHERE response_key = ?`, r.key, func(scan func(...any)) {
			var scale string
			var score *float64
			scan(&scale, &score)
			r.scores[scale] = score
		})
		eachRow(t, db, `SELECT field_id, value FROM text_answers WHERE response_key = ?`, r.key, func(scan func(...any)) {
			var id, v string
			scan(&id, &v)
			r.texts[id] = v
		})
	}
	return out
}

func eachRow(t testing.TB, db *sql.DB, query string, arg any, fn func(scan func(...any))) {
	t.Helper()
	rows, err := db.Query(query, arg)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		fn(func(dest ...any) {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
