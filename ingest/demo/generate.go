// Package demo generates a realistic synthetic pilot: 50 peer-support groups with sessions,
// attendance and CBI and NSS morale answers before and after, deterministic for a seed. The
// answers come from a latent level per person so that scales have realistic reliability, and the
// groups differ in effect (most improve modestly, some not at all, a few get worse).
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// ProgrammeName is the demo pilot's display name.
const ProgrammeName = "Clinician peer support pilot (demo data)"

// Options shape the generated pilot.
type Options struct {
	Seed uint64
	// Start is the Monday of the first week groups may begin; DataCut is the last day a response
	// can carry, so no response is dated in the future.
	Start, DataCut time.Time
	// Scale multiplies the number of groups of every modality (0 or 1: the 50-group pilot), to
	// make national-sized programmes for benchmarks.
	Scale int
}

// DefaultOptions are the pilot make run shows: groups starting from January 2026, data to mid-November.
func DefaultOptions(seed uint64) Options {
	return Options{
		Seed:    seed,
		Start:   time.Date(2026, time.January, 12, 0, 0, 0, 0, time.UTC),
		DataCut: time.Date(2026, time.November, 15, 0, 0, 0, 0, time.UTC),
	}
}

// Generate builds the pilot as a batch ready for ingest.DB.Load. It needs the instrument set to
// know each item's scale, direction and reversal.
func Generate(set *instrument.Set, o Options) (*ingest.Batch, error) {
	var all *ingest.Batch
	err := GenerateEach(set, o, 1<<30, func(b *ingest.Batch) error { all = b; return nil })
	return all, err
}

// GenerateEach generates the pilot in batches of at most perBatch groups, calling emit for
// each, so that a national-sized programme never has to fit in memory at once. The batches
// together are exactly what Generate returns.
func GenerateEach(set *instrument.Set, o Options, perBatch int, emit func(*ingest.Batch) error) error {
	g, err := newGenerator(set, o)
	if err != nil {
		return err
	}
	scale := max(o.Scale, 1)
	width := len(fmt.Sprint(10 * scale)) // two digits for the pilot, as programme offices number groups
	b := &ingest.Batch{}
	n, inBatch := 0, 0
	for _, plan := range modalityPlan {
		for i := 1; i <= plan.groups*scale; i++ {
			n++
			code := fmt.Sprintf("%s-%0*d", plan.prefix, width, i)
			g.group(b, n, code, plan.modality, plan.label, plan.professions)
			if inBatch++; inBatch == perBatch {
				if err := emit(b); err != nil {
					return err
				}
				b, inBatch = &ingest.Batch{}, 0
			}
		}
	}
	if inBatch > 0 || n == 0 {
		return emit(b)
	}
	return nil
}

// generator carries the random source and the instrument lookups through one generation.
type generator struct {
	rnd   *rand.Rand
	o     Options
	items []itemModel // every CBI and morale item, in instrument order
	pulse *instrument.Instrument
}

// itemModel is how one item's answer is drawn: from its scale's latent factor, in the scale's
// own direction, then flipped for reversed items.
type itemModel struct {
	id       string
	factor   int // index into person.factors
	offset   float64
	reversed bool
	options  int
}

func newGenerator(set *instrument.Set, o Options) (*generator, error) {
	g := &generator{rnd: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)), o: o}
	for _, id := range []string{"cbi", "nss_morale"} {
		in, ok := set.Get(id)
		if !ok {
			return nil, fmt.Errorf("demo: instrument %q is not defined", id)
		}
		for i := range in.Items {
			it := &in.Items[i]
			f := slices.Index(factorScales, it.Scale)
			if f < 0 {
				return nil, fmt.Errorf("demo: item %s belongs to scale %s, which the demo does not model", it.ID, it.Scale)
			}
			// Small per-item differences in how readily people endorse an item, fixed by item
			// position so that they do not depend on the seed.
			offset := 0.15 * math.Sin(float64(3*i+len(it.ID)))
			g.items = append(g.items, itemModel{id: it.ID, factor: f, offset: offset, reversed: it.Reversed, options: it.Options.Len()})
		}
	}
	pulse, ok := set.Get("pulse")
	if !ok {
		return nil, fmt.Errorf("demo: instrument %q is not defined", "pulse")
	}
	g.pulse = pulse
	return g, nil
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

// group adds one group with its sessions, attendees, attendance and responses.
func (g *generator) group(b *ingest.Batch, n int, code, modality, label string, professions []string) {
	region := regions[(n*3)%len(regions)]
	place := region.places[g.rnd.IntN(len(region.places))]
	profession := g.pick(professions)
	grp := ingest.Group{
		Code:        code,
		Name:        fmt.Sprintf("%s, %s (%s)", label, place, profession),
		Modality:    modality,
		Region:      region.name,
		Profession:  profession,
		Cadence:     g.pick(cadences),
		Facilitator: g.pick(facilitators),
		// The pilot funds 10 sessions of 90 minutes: 900 facilitator minutes per group.
		PlannedSessions: 10, FacilitatorMinutesBudget: 900, Capacity: 12,
	}
	b.Groups = append(b.Groups, grp)
	dates := g.sessionDates(grp.Cadence)
	extra := 0
	if g.rnd.Float64() < 0.2 {
		extra = 15 // some facilitators also log a debrief, and so overrun the budget
	}
	topicList := slices.Clone(topics[modality])
	g.rnd.Shuffle(len(topicList), func(a, c int) { topicList[a], topicList[c] = topicList[c], topicList[a] })
	for s, d := range dates {
		b.Sessions = append(b.Sessions, ingest.Session{GroupCode: grp.Code, No: s + 1, Date: d,
			DurationMinutes: 90, FacilitatorMinutes: 90 + extra, Topic: topicList[s]})
	}
	g.cohort(b, grp, dates)
}

// sessionDates spaces ten sessions by the group's cadence from a start in the first quarter,
// late enough in the pilot that the end-of-programme survey closes before the data cut.
func (g *generator) sessionDates(cadence string) []time.Time {
	offsets := make([]int, 10)
	for s := range offsets {
		switch cadence {
		case "weekly":
			offsets[s] = 7 * s
		case "fortnightly":
			offsets[s] = 14 * s
		case "monthly":
			offsets[s] = 28 * s
		default: // block: two sessions a week for five weeks
			offsets[s] = 7*(s/2) + 3*(s%2)
		}
	}
	room := int(g.o.DataCut.Sub(g.o.Start).Hours()/24) - postWindowDays - offsets[len(offsets)-1]
	start := g.o.Start.AddDate(0, 0, g.rnd.IntN(max(1, min(80, room))))
	dates := make([]time.Time, len(offsets))
	for s, days := range offsets {
		dates[s] = start.AddDate(0, 0, days)
	}
	return dates
}
