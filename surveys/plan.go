package surveys

import (
	"context"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// Timepoints attendees answer at: the three questionnaire timepoints and the session pulse.
var Timepoints = []string{"pre", "post", "followup", "session"}

// Plan says which instruments are asked at which timepoint.
type Plan map[string][]*instrument.Instrument

// loadPlan reads the programme's plan: the settings where given, else the definitions' defaults.
// An unknown instrument in a setting is an error at start-up, not a surprise for an attendee.
func loadPlan(ctx context.Context, db *ingest.DB, set *instrument.Set) (Plan, error) {
	p := Plan{}
	for _, tp := range Timepoints {
		v, ok, err := db.Setting(ctx, ingest.SettingInstruments(tp))
		if err != nil {
			return nil, err
		}
		if p[tp], err = set.Asked(tp, v, ok); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// asks reports whether the plan asks item (or free-text field) id at tp, and its instrument.
func (p Plan) asks(tp, id string) (*instrument.Instrument, bool) {
	for _, in := range p[tp] {
		if _, ok := in.Item(id); ok {
			return in, true
		}
		if _, ok := in.TextField(id); ok {
			return in, true
		}
	}
	return nil, false
}
