package demo

import (
	"math"
	"strings"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
)

// factorScales are the latent factors the demo models, one per scored sub-scale. Each is driven
// by a person's general burnout level G, so that burnout scales correlate with each other and
// against morale, as they do in real samples.
var factorScales = []string{"cbi_personal", "cbi_work", "cbi_patient", "morale_leaving", "morale_pressure", "morale_stressors"}

var (
	// factorLoad is each factor's loading on G, in the scale's own direction (morale: higher = better).
	factorLoad = []float64{0.85, 0.9, 0.65, -0.6, -0.5, -0.55}
	// factorMean places the sample: CBI personal ≈ 55, work ≈ 50, patient ≈ 33; morale ≈ 5.5 of 10.
	factorMean = []float64{0.25, 0.05, -0.7, 0.25, -0.35, 0.3}
	// itemLoad is an item's loading on its factor: three-item morale scales need stronger items
	// than the six- and seven-item CBI scales to reach a realistic α of 0.8–0.95.
	itemLoad = []float64{0.8, 0.8, 0.8, 0.9, 0.88, 0.8}
)

const (
	missingItem = 0.025 // chance that a person leaves one item blank
	itemSpread  = 1.15  // spread of the latent response around the category thresholds
)

// person is one attendee as the generator sees them: never stored beyond their code and answers.
type person struct {
	code        string
	g           float64   // general burnout level at baseline
	specific    []float64 // each factor's own part, beyond G
	propensity  float64   // chance of attending any one session
	skipPatient bool      // does not work directly with patients
	profession  string
	stage       string
	attended    []bool
	positivity  float64 // how warmly they rate sessions in the pulse
}

func (g *generator) newPerson(code, groupProfession, modality string, shift float64) *person {
	p := &person{code: code, g: shift + g.rnd.NormFloat64(), specific: make([]float64, len(factorScales))}
	for i := range p.specific {
		p.specific[i] = g.rnd.NormFloat64()
	}
	p.propensity = math.Min(1, math.Max(0.15, 0.75+0.2*g.rnd.NormFloat64()))
	if g.rnd.Float64() < 0.04 {
		p.propensity = 0 // signed up and answered, never came
	}
	p.skipPatient = g.rnd.Float64() < 0.04
	p.profession = g.attendeeProfession(groupProfession)
	p.stage = g.pick(careerStages)
	if p.profession == "GP trainee" {
		p.stage = "trainee"
	} else if modality == "early_career" {
		p.stage = "early career"
	}
	p.positivity = 0.6 * g.rnd.NormFloat64()
	return p
}

func (g *generator) attendeeProfession(groupProfession string) string {
	switch groupProfession {
	case "GP", "GP trainee":
		return groupProfession
	case "nursing":
		return "nurse"
	case "midwifery":
		return "midwife"
	case "pharmacy":
		return "pharmacist"
	case "early pregnancy care":
		return g.pick([]string{"nurse", "midwife", "nurse"})
	default:
		return g.pick(attendeeProfessions)
	}
}

// answers draws one questionnaire from the person's latent level gLevel and their specific
// factors: an ordinal response per item with ~2.5% left blank.
func (g *generator) answers(p *person, gLevel float64, specific []float64) map[string]int {
	out := make(map[string]int, len(g.items))
	for _, it := range g.items {
		if (p.skipPatient && factorScales[it.factor] == "cbi_patient") || g.rnd.Float64() < missingItem {
			continue
		}
		load := factorLoad[it.factor]
		factor := load*gLevel + math.Sqrt(1-load*load)*specific[it.factor]
		l := itemLoad[it.factor]
		latent := factorMean[it.factor] + it.offset + itemSpread*(l*factor+math.Sqrt(1-l*l)*g.rnd.NormFloat64())
		code := ordinal(latent, it.options)
		if it.reversed {
			code = it.options + 1 - code
		}
		out[it.id] = code
	}
	return out
}

// ordinal cuts a latent response into 1..k with thresholds one unit apart, centred on zero.
func ordinal(latent float64, k int) int {
	code := 1
	for t := 1; t < k; t++ {
		if latent > float64(t)-float64(k)/2 {
			code++
		}
	}
	return code
}

// newCode draws a participant code that no one in the group has yet.
func (g *generator) newCode(taken map[string]bool) string {
	for {
		var sb strings.Builder
		for range 6 {
			sb.WriteByte(codeAlphabet[g.rnd.IntN(len(codeAlphabet))])
		}
		if c := sb.String(); !taken[c] {
			taken[c] = true
			return c
		}
	}
}

// at returns a moment on day d during working hours, when staff answer between clinics.
func (g *generator) at(d time.Time) time.Time {
	return d.Add(time.Duration(7*60+g.rnd.IntN(14*60)) * time.Minute).Add(time.Duration(g.rnd.IntN(60)) * time.Second)
}

func (g *generator) response(grp ingest.Group, p *person, tp string, when time.Time, answers map[string]int) ingest.Response {
	return ingest.Response{GroupCode: grp.Code, ParticipantCode: p.code, Timepoint: tp, SubmittedAt: when,
		Source: "demo", Profession: p.profession, CareerStage: p.stage, Answers: answers}
}
