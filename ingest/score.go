package ingest

import (
	"fmt"
	"strings"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ScaleScore is one scale of a scored response. Score is meaningful only when Valid.
type ScaleScore struct {
	Scale, Instrument, Version string
	Score                      float64
	Valid                      bool
	Answered                   int
}

// Scored is a response with its scales computed: what every write path stores.
type Scored struct {
	Response
	Versions string // the instruments answered, e.g. "cbi@1 nss_morale@1"
	Scales   []ScaleScore
}

// Score scores every instrument the response answered at least one item of, with the
// definitions in set. It is pure, so callers score in parallel and the single writer only writes.
func Score(set *instrument.Set, r Response) (Scored, error) {
	out := Scored{Response: r}
	name := r.ResponseID
	if name == "" {
		name = "(new)"
	}
	byInstrument := map[string]map[string]int{}
	for item, code := range r.Answers {
		in, _, ok := set.Item(item)
		if !ok {
			return out, fmt.Errorf("response %s: unknown item %q", name, item)
		}
		if byInstrument[in.ID] == nil {
			byInstrument[in.ID] = map[string]int{}
		}
		byInstrument[in.ID][item] = code
	}
	if len(byInstrument) == 0 {
		return out, fmt.Errorf("response %s: no answered item", name)
	}
	var versions []string
	for _, id := range sortedKeys(byInstrument) {
		in, _ := set.Get(id)
		scores, err := in.Score(byInstrument[id])
		if err != nil {
			return out, fmt.Errorf("response %s: %w", name, err)
		}
		versions = append(versions, in.ID+"@"+in.Version)
		for _, s := range scores {
			out.Scales = append(out.Scales, ScaleScore{Scale: s.Scale, Instrument: in.ID, Version: in.Version,
				Score: s.Value, Valid: s.Valid, Answered: s.Answered})
		}
	}
	out.Versions = strings.Join(versions, " ")
	return out, nil
}
