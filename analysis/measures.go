package analysis

import (
	"fmt"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// MeasureIDs are the measures of the results contract (FORMATS.md), in reporting order.
var MeasureIDs = []string{"cbi_personal", "cbi_work", "cbi_patient", "morale", "morale_leaving", "morale_pressure", "morale_stressors"}

// Measure is one scale analysed: its direction, cut-off and the items behind its reliability.
type Measure struct {
	ID            string
	HigherIsWorse bool
	Cutoff        *float64
	// Items are the items whose points Cronbach's α is computed over: the scale's own items,
	// or for a composite scale all items of its parts (INSTRUMENTS.md §5).
	Items []*instrument.Item
}

// measures resolves MeasureIDs against the instrument definitions.
func measures(set *instrument.Set) ([]Measure, error) {
	out := make([]Measure, 0, len(MeasureIDs))
	for _, id := range MeasureIDs {
		in, sc, ok := set.Scale(id)
		if !ok {
			return nil, fmt.Errorf("analysis: no instrument defines the scale %q", id)
		}
		m := Measure{ID: id, HigherIsWorse: sc.HigherIsWorse, Cutoff: sc.Cutoff}
		parts := []*instrument.Scale{sc}
		if sc.IsComposite() {
			parts = parts[:0]
			for _, p := range sc.Composite {
				_, ps, _ := set.Scale(p)
				parts = append(parts, ps)
			}
		}
		for _, p := range parts {
			for _, itemID := range p.Items {
				it, _ := in.Item(itemID)
				m.Items = append(m.Items, it)
			}
		}
		out = append(out, m)
	}
	return out, nil
}
