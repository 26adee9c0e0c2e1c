package demo

import (
	"context"
	"fmt"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ErrNotEmpty is returned by Write when the database already holds groups: demo data must never
// mix with a real programme's.
var ErrNotEmpty = fmt.Errorf("the database already holds a programme")

// Write generates the pilot and stores it in one transaction, with the demo programme's name.
func Write(ctx context.Context, db *ingest.DB, set *instrument.Set, o Options) (ingest.LoadResult, error) {
	s, err := db.Summary(ctx)
	if err != nil {
		return ingest.LoadResult{}, err
	}
	if s.Groups > 0 {
		return ingest.LoadResult{}, fmt.Errorf("%w (%d groups) in %s", ErrNotEmpty, s.Groups, db.Path())
	}
	b, err := Generate(set, o)
	if err != nil {
		return ingest.LoadResult{}, err
	}
	// The demo's facilitator tariff is illustrative (a sessional rate); a real programme sets its own.
	b.Settings = map[string]string{ingest.SettingProgrammeName: ProgrammeName, "tariff_per_facilitator_hour": "90"}
	res, err := db.Load(ctx, set, b)
	if err != nil {
		return res, fmt.Errorf("write demo pilot: %w", err)
	}
	return res, nil
}
