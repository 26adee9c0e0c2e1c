package ingest

import (
	"fmt"
	"sort"
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
	var versions []string
	for _, in := range set.All() {
		scores, answered, err := in.ScoreOwn(r.Answers)
		if err != nil {
			return out, fmt.Errorf("response %s: %w", name, err)
		}
		if !answered {
			continue
		}
		versions = append(versions, in.ID+"@"+in.Version)
		for _, s := range scores {
			out.Scales = append(out.Scales, ScaleScore{Scale: s.Scale, Instrument: in.ID, Version: in.Version,
				Score: s.Value, Valid: s.Valid, Answered: s.Answered})
		}
	}
	// Every answered item must belong to some instrument: count them against the definitions.
	for item := range r.Answers {
		if _, _, ok := set.Item(item); !ok {
			return out, fmt.Errorf("response %s: unknown item %q", name, item)
		}
	}
	if len(versions) == 0 {
		return out, fmt.Errorf("response %s: no answered item", name)
	}
	sort.Strings(versions)
	out.Versions = strings.Join(versions, " ")
	return out, nil
}
