package importer

import (
	"testing"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

type instrumentSet = instrument.Set

func mustSet(tb testing.TB) *instrument.Set {
	tb.Helper()
	set, err := instrument.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return set
}
