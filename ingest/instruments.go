package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// layout is the order in which a response's answers and scores are written. It follows the
// instrument definitions, so adding an instrument file adds a score column, not code.
type layout struct {
	items, scales []string
}

func newLayout(set *instrument.Set) layout {
	var l layout
	for _, in := range set.All() {
		for _, it := range in.Items {
			l.items = append(l.items, it.ID)
		}
		for _, sc := range in.Scales {
			l.scales = append(l.scales, sc.ID)
		}
	}
	return l
}

// scoreColumn names a scale's score column. Instrument ids are ^[a-z][a-z0-9_]*$ (the
// instrument package checks), so the name is a safe identifier.
func scoreColumn(scale string) string { return "s_" + scale }

// ScoreColumn is the responses column holding a scale's score, for readers such as analysis.
func ScoreColumn(scale string) string { return scoreColumn(scale) }

func (l layout) scoreColumns() []string {
	names := make([]string, len(l.scales))
	for i, id := range l.scales {
		names[i] = scoreColumn(id)
	}
	return names
}

// answersJSON encodes answers as a JSON object in layout order, so equal answers give equal
// text. Codes are small integers and item ids need no escaping, so it is built by hand: this
// runs once per submission (in the submitting goroutine, before the writer's queue).
func (l layout) answersJSON(answers map[string]int) string {
	var sb strings.Builder
	sb.Grow(12 * len(answers))
	sb.WriteByte('{')
	n := 0
	for _, id := range l.items {
		code, ok := answers[id]
		if !ok {
			continue
		}
		if n > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('"')
		sb.WriteString(id)
		sb.WriteString(`":`)
		sb.WriteString(strconv.Itoa(code))
		n++
	}
	sb.WriteByte('}')
	return sb.String()
}

// textsJSON encodes free-text answers, or NULL when there are none.
func textsJSON(texts map[string]string) (any, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(texts)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// ensureInstruments adds the score columns the instrument definitions need and the responses
// table lacks, and recreates the long views, in one transaction.
func (db *DB) ensureInstruments(ctx context.Context) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("instrument columns: %w", err)
	}
	defer tx.Rollback()
	for _, name := range db.layout.scoreColumns() {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE responses ADD COLUMN IF NOT EXISTS %s DOUBLE`, name)); err != nil {
			return fmt.Errorf("instrument columns: add %s: %w", name, err)
		}
	}
	// Long views for analysts and checks; the scale view re-expands COLUMNS(...) at each query,
	// so it follows added columns.
	views := []string{
		`CREATE OR REPLACE VIEW answers AS
			SELECT r.response_key, j.key AS item_id, CAST(j.value AS UTINYINT) AS code
			FROM responses r, json_each(r.answers) AS j`,
		`CREATE OR REPLACE VIEW text_answers AS
			SELECT r.response_key, j.key AS field_id, j.value ->> '$' AS value
			FROM responses r, json_each(r.texts) AS j WHERE r.texts IS NOT NULL`,
		`CREATE OR REPLACE VIEW scale_scores AS
			SELECT response_key, substr(scale, 3) AS scale, score FROM (
				UNPIVOT (SELECT response_key, COLUMNS('^s_') FROM responses) ON COLUMNS('^s_') INTO NAME scale VALUE score)`,
	}
	for _, v := range views {
		if _, err := tx.ExecContext(ctx, v); err != nil {
			return fmt.Errorf("instrument views: %w", err)
		}
	}
	return tx.Commit()
}

// responseColumns are the fixed columns every write path fills, in append order; the score
// columns follow.
var responseColumns = strings.Fields(`response_key response_id client_id group_id participant_id timepoint
	session_id submitted_at source profession career_stage instrument_versions answers texts new_participant_code`)

// AnswersJSON is the canonical JSON text of a set of answers, exactly as stored in the responses
// table: importers compare content with it.
func (db *DB) AnswersJSON(answers map[string]int) string { return db.layout.answersJSON(answers) }
