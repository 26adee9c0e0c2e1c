package analysis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// RCIOverrides reads the programme settings rci.<measure>.sd1 and rci.<measure>.reliability,
// which replace the computed baseline SD and Cronbach's α of a measure (INSTRUMENTS.md §5).
func RCIOverrides(ctx context.Context, db *ingest.DB) (map[string]RCIOverride, error) {
	out := map[string]RCIOverride{}
	for _, m := range MeasureIDs {
		var o RCIOverride
		for _, s := range []struct {
			key string
			dst **float64
		}{{"rci." + m + ".sd1", &o.SD1}, {"rci." + m + ".reliability", &o.Reliability}} {
			v, ok, err := db.Setting(ctx, s.key)
			if err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("programme setting %s = %q is not a number", s.key, v)
			}
			*s.dst = &f
		}
		if o.SD1 != nil || o.Reliability != nil {
			out[m] = o
		}
	}
	return out, nil
}

// Run is Analyse with the programme's own settings: its stored name (unless o.Programme is set)
// and any RCI overrides (unless o.RCI is set).
func Run(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (*Results, error) {
	if o.Programme == "" {
		name, _, err := db.Setting(ctx, ingest.SettingProgrammeName)
		if err != nil {
			return nil, err
		}
		o.Programme = name
	}
	if o.RCI == nil {
		rci, err := RCIOverrides(ctx, db)
		if err != nil {
			return nil, err
		}
		o.RCI = rci
	}
	return Analyse(ctx, db, set, o)
}
