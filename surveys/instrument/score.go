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
	scores := make([]Score, 0, len(in.Scales))
	byID := make(map[string]Score, len(in.Scales))
	for i := range in.Scales {
		sc := &in.Scales[i]
		var s Score
		if sc.IsComposite() {
			s = compositeScore(sc, byID)
		} else {
			s = in.itemScore(sc, answers)
		}
		byID[sc.ID] = s
		scores = append(scores, s)
	}
	return scores, nil
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

func compositeScore(sc *Scale, parts map[string]Score) Score {
	s := Score{Scale: sc.ID, Valid: true}
	var sum float64
	for _, id := range sc.Composite {
		p := parts[id]
		s.Answered += p.Answered
		s.Valid = s.Valid && p.Valid
		sum += p.Value
	}
	if s.Valid {
		s.Value = sum / float64(len(sc.Composite))
	}
	return s
}
