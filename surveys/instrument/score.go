package instrument

import "fmt"

// Score is the result for one scale. Value is zero when !Valid, so an
// invalid score cannot leak into a mean by accident.
type Score struct {
	Scale string  // scale id
	Value float64 // exact mean in float64, never rounded (INSTRUMENTS.md §2)
	Valid bool    // enough items answered; for a composite, all parts valid
	// Answered counts the answered items of the scale; for a composite, of
	// all its parts together.
	Answered int
}

// Score computes every scale of the instrument from answers, which map item
// id to answer code; an absent item is not answered. Scores come in file
// order, which validation guarantees puts composites after their parts.
//
// A scale is the sum of the points of its answered items divided by their
// number, invalid below MinAnswered; a composite is the mean of its parts,
// valid only when every part is. An unknown item id or a code outside its
// option set (including 0) is an error naming the item.
func (in *Instrument) Score(answers map[string]int) ([]Score, error) {
	if err := in.checkAnswers(answers); err != nil {
		return nil, err
	}
	scores, _, _ := in.ScoreOwn(answers)
	return scores, nil
}

// ScoreOwn scores the instrument from the answers to its own items, ignoring any other item in
// answers, so that a response covering several instruments is scored without splitting it. It
// reports whether any of its items was answered, and an error for an out-of-range code.
func (in *Instrument) ScoreOwn(answers map[string]int) ([]Score, bool, error) {
	any := false
	for i := range in.Items {
		it := &in.Items[i]
		if code, given := answers[it.ID]; given {
			if err := it.checkCode(code); err != nil {
				return nil, false, fmt.Errorf("instrument %q: %w", in.ID, err)
			}
			any = true
		}
	}
	scores := make([]Score, 0, len(in.Scales))
	for i := range in.Scales {
		sc := &in.Scales[i]
		if sc.IsComposite() {
			scores = append(scores, compositeScore(sc, scores))
		} else {
			scores = append(scores, in.itemScore(sc, answers))
		}
	}
	return scores, any, nil
}

// checkAnswers fails on the first bad answer, in item order and then unknown
// ids sorted, so the same input always gives the same error.
func (in *Instrument) checkAnswers(answers map[string]int) error {
	for i := range in.Items {
		it := &in.Items[i]
		if code, given := answers[it.ID]; given {
			if err := it.checkCode(code); err != nil {
				return fmt.Errorf("instrument %q: %w", in.ID, err)
			}
		}
	}
	if unknown := in.unknownItems(answers); len(unknown) > 0 {
		return fmt.Errorf("instrument %q: unknown item %q", in.ID, unknown[0])
	}
	return nil
}

func (in *Instrument) itemScore(sc *Scale, answers map[string]int) Score {
	s := Score{Scale: sc.ID}
	var sum float64
	for _, id := range sc.Items {
		code, given := answers[id]
		if !given {
			continue
		}
		it, _ := in.Item(id)
		p, _ := it.Points(code) // checked by checkAnswers
		sum += p
		s.Answered++
	}
	if s.Answered >= sc.MinAnswered {
		s.Value, s.Valid = sum/float64(s.Answered), true
	}
	return s
}

// compositeScore averages parts scored earlier in the same instrument (a definition lists a
// composite after its parts); there are a handful, so a scan beats a map.
func compositeScore(sc *Scale, earlier []Score) Score {
	s := Score{Scale: sc.ID, Valid: true}
	var sum float64
	for _, id := range sc.Composite {
		var p Score
		for _, e := range earlier {
			if e.Scale == id {
				p = e
			}
		}
		s.Answered += p.Answered
		s.Valid = s.Valid && p.Valid
		sum += p.Value
	}
	if s.Valid {
		s.Value = sum / float64(len(sc.Composite))
	}
	return s
}
