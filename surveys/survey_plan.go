package surveys

import (
	"slices"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// surveyTimepoints are the questionnaire timepoints an attendee may choose on the "when"
// page; the session pulse has its own link.
var surveyTimepoints = []string{"pre", "post", "followup"}

// surveyPage is one page of the questionnaire: one scale of one instrument, an instrument's
// unscored items and free-text fields, or the optional "About your work" page.
type surveyPage struct {
	Instrument *instrument.Instrument // nil for the About page
	Scale      *instrument.Scale      // nil unless the page is one scale
	Heading    string
	Items      []*instrument.Item
	Texts      []instrument.TextField
	About      bool
}

// skippable reports whether the whole page may be skipped with its scale's skip option.
func (p *surveyPage) skippable() bool { return p.Scale != nil && p.Scale.Skippable }

// planSurveys lays out the pages of every questionnaire timepoint from the programme's plan.
// Only pre asks about the person's work: the descriptors describe who joined.
func planSurveys(s *Service) map[string][]surveyPage {
	plans := map[string][]surveyPage{}
	for _, tp := range surveyTimepoints {
		pages := planPages(s.Instruments(tp))
		if len(pages) == 0 {
			continue
		}
		if tp == "pre" {
			pages = append(pages, surveyPage{Heading: "About your work", About: true})
		}
		plans[tp] = pages
	}
	return plans
}

// planPages puts each item scale of each instrument on a page of its own, in file order (a
// composite has no items of its own), then any unscored items and free-text fields of the
// instrument on one more page, so a new instrument needs no code to be asked.
func planPages(ins []*instrument.Instrument) []surveyPage {
	var pages []surveyPage
	for _, in := range ins {
		onScale := map[string]bool{}
		for i := range in.Scales {
			sc := &in.Scales[i]
			if sc.IsComposite() || len(sc.Items) == 0 {
				continue
			}
			p := surveyPage{Instrument: in, Scale: sc, Heading: sc.Title}
			for _, id := range sc.Items {
				if it, ok := in.Item(id); ok {
					p.Items = append(p.Items, it)
					onScale[id] = true
				}
			}
			pages = append(pages, p)
		}
		rest := surveyPage{Instrument: in, Heading: in.Title, Texts: in.TextFields}
		for i := range in.Items {
			if !onScale[in.Items[i].ID] {
				rest.Items = append(rest.Items, &in.Items[i])
			}
		}
		if len(rest.Items) > 0 || len(rest.Texts) > 0 {
			pages = append(pages, rest)
		}
	}
	return pages
}

// asksAbout reports whether the pages include the About page.
func asksAbout(pages []surveyPage) bool {
	return slices.ContainsFunc(pages, func(p surveyPage) bool { return p.About })
}

// pageOf returns the index of the page asking field (an item or text field id, or
// "profession"/"career_stage"), or -1.
func pageOf(pages []surveyPage, field string) int {
	for i, p := range pages {
		if p.About && (field == "profession" || field == "career_stage") {
			return i
		}
		for _, it := range p.Items {
			if it.ID == field {
				return i
			}
		}
		for _, t := range p.Texts {
			if t.ID == field {
				return i
			}
		}
	}
	return -1
}

// instrumentsOf lists the distinct instruments of all plans, in the order first asked, for
// the citations on the landing page.
func instrumentsOf(plans map[string][]surveyPage) []*instrument.Instrument {
	var out []*instrument.Instrument
	for _, tp := range surveyTimepoints {
		for _, p := range plans[tp] {
			if p.Instrument != nil && !slices.Contains(out, p.Instrument) {
				out = append(out, p.Instrument)
			}
		}
	}
	return out
}

// planPulse puts every question of the session pulse on one page: it is three quick
// questions and a comment, answered at the end of a session.
func planPulse(s *Service) surveyPage {
	p := surveyPage{Heading: "Session feedback"}
	for _, in := range s.Instruments("session") {
		if p.Instrument == nil {
			p.Instrument = in
		}
		for i := range in.Items {
			p.Items = append(p.Items, &in.Items[i])
		}
		p.Texts = append(p.Texts, in.TextFields...)
	}
	return p
}
