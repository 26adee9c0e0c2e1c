package demo

import (
	"math"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// Attrition bounds per group: the share of baseline responders who never answer post.
const (
	minAttrition = 0.10
	maxAttrition = 0.35
	// postWindowDays is how long after the last session the end-of-programme survey stays open.
	postWindowDays = 15
)

// cohort adds a group's attendees: attendance, baseline and end-of-programme answers, some
// follow-up answers and session pulses.
func (g *generator) cohort(b *ingest.Batch, grp ingest.Group, dates []time.Time) {
	shift := 0.3 * g.rnd.NormFloat64() // groups start at different levels of burnout
	// The group's latent effect at full attendance (negative = less burnout): modest on average,
	// none in some groups, and worse in a few.
	effect := -0.38 + 0.22*g.rnd.NormFloat64()
	taken := map[string]bool{}
	size := grp.Capacity - []int{0, 0, 0, 1, 1, 2, 3}[g.rnd.IntN(7)]
	people := make([]*person, size)
	for i := range people {
		people[i] = g.newPerson(g.newCode(taken), grp.Profession, grp.Modality, shift)
	}
	drop := g.dropouts(people)
	for i, p := range people {
		stopAfter := len(dates)
		if drop[i] {
			stopAfter = 1 + g.rnd.IntN(6) // drop-outs stop coming part-way
		}
		g.attend(p, len(dates), 0, stopAfter)
	}
	var late *person
	if g.rnd.Float64() < 0.3 {
		// Someone who joined at the third session and so never answered the baseline survey.
		late = g.newPerson(g.newCode(taken), grp.Profession, grp.Modality, shift)
		g.attend(late, len(dates), 2, len(dates))
	}
	first, last := dates[0], dates[len(dates)-1]
	for i, p := range people {
		pre := g.at(first.AddDate(0, 0, -g.rnd.IntN(11)))
		if g.rnd.Float64() < 0.02 {
			// A second baseline submission a day or two later; the later one counts.
			b.Responses = append(b.Responses, g.response(grp, p, "pre", pre, g.answers(p, p.g, p.specific)))
			pre = pre.Add(time.Duration(20+g.rnd.IntN(40)) * time.Hour)
		}
		b.Responses = append(b.Responses, g.response(grp, p, "pre", pre, g.answers(p, p.g, p.specific)))
		if drop[i] {
			continue
		}
		g.after(b, grp, p, effect, last)
	}
	if late != nil {
		g.after(b, grp, late, effect, last)
	}
	for _, p := range append(people, late) {
		if p == nil {
			continue
		}
		for s := range dates {
			b.Attendance = append(b.Attendance, ingest.Attendance{GroupCode: grp.Code, SessionNo: s + 1,
				ParticipantCode: p.code, Attended: p.attended[s]})
		}
	}
	g.pulses(b, grp, append(people, late), dates)
}

// attend marks the sessions a person came to between from and stopAfter.
func (g *generator) attend(p *person, sessions, from, stopAfter int) {
	p.attended = make([]bool, sessions)
	for s := from; s < stopAfter; s++ {
		p.attended[s] = g.rnd.Float64() < p.propensity
	}
}

func (p *person) sessionsAttended() int {
	n := 0
	for _, a := range p.attended {
		if a {
			n++
		}
	}
	return n
}

// dropouts picks who never answers post: a whole number of people between 10% and 35% of the
// group, more often those who attend less and are more burnt out, as in real programmes.
func (g *generator) dropouts(people []*person) []bool {
	n := len(people)
	lo, hi := int(math.Ceil(minAttrition*float64(n))), int(math.Floor(maxAttrition*float64(n)))
	count := lo + g.rnd.IntN(hi-lo+1)
	drop := make([]bool, n)
	for range count {
		total := 0.0
		weights := make([]float64, n)
		for i, p := range people {
			if !drop[i] {
				weights[i] = math.Max(0.05, 1.2-p.propensity+0.3*p.g)
				total += weights[i]
			}
		}
		r := g.rnd.Float64() * total
		for i, w := range weights {
			if r -= w; w > 0 && r <= 0 {
				drop[i] = true
				break
			}
		}
	}
	return drop
}

// after adds the end-of-programme response, and a follow-up three months on when that date has
// passed, with a change that grows with the sessions attended.
func (g *generator) after(b *ingest.Batch, grp ingest.Group, p *person, effect float64, last time.Time) {
	dose := 0.3 + 0.7*float64(p.sessionsAttended())/float64(len(p.attended))
	change := effect*dose + 0.25*g.rnd.NormFloat64()
	post := make([]float64, len(p.specific))
	for i, s := range p.specific {
		post[i] = 0.85*s + 0.53*g.rnd.NormFloat64()
	}
	b.Responses = append(b.Responses, g.response(grp, p, "post", g.at(last.AddDate(0, 0, g.rnd.IntN(postWindowDays))), g.answers(p, p.g+change, post)))
	fu := last.AddDate(0, 0, 84+g.rnd.IntN(17))
	if fu.After(g.o.DataCut) || g.rnd.Float64() > 0.6 {
		return
	}
	for i := range post {
		post[i] = 0.8*post[i] + 0.6*g.rnd.NormFloat64()
	}
	b.Responses = append(b.Responses, g.response(grp, p, "followup", g.at(fu), g.answers(p, p.g+0.7*change+0.2*g.rnd.NormFloat64(), post)))
}

// pulses adds the optional three-question check-in some attendees answer after a session.
func (g *generator) pulses(b *ingest.Batch, grp ingest.Group, people []*person, dates []time.Time) {
	for s, d := range dates {
		for _, p := range people {
			if p == nil || !p.attended[s] || g.rnd.Float64() > 0.35 {
				continue
			}
			answers := map[string]int{}
			for _, it := range g.pulse.Items {
				answers[it.ID] = ordinal(1.0+p.positivity+0.7*g.rnd.NormFloat64(), it.Options.Len())
			}
			r := g.response(grp, p, "session", d.Add(time.Duration(11*60+g.rnd.IntN(10*60))*time.Minute), answers)
			r.SessionNo = s + 1
			if len(g.pulse.TextFields) > 0 && g.rnd.Float64() < 0.15 {
				r.Texts = map[string]string{g.pulse.TextFields[0].ID: g.pick(comments)}
			}
			b.Responses = append(b.Responses, r)
		}
	}
}
