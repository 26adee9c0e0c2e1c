package surveys_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// The helpers below read the attendee pages as a browser would and post them back, so the
// HTTP tests follow the same stateless journey a person does.

var (
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	radioInput  = regexp.MustCompile(`<input class="nhsuk-radios__input" id="[^"]*" name="([^"]*)" type="radio" value="([^"]*)"(\s*checked)?`)
)

// hiddenFields returns the hidden inputs of a page as the browser would post them.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// formOf returns what a browser would post from a page before the person changes anything:
// its hidden inputs and its checked radios.
func formOf(body string) url.Values {
	v := hiddenFields(body)
	for name, value := range checkedRadios(body) {
		v.Set(name, value)
	}
	return v
}

// radioQuestions lists the names of the radio questions on a page, in order.
func radioQuestions(body string) []string {
	var names []string
	for _, m := range radioInput.FindAllStringSubmatch(body, -1) {
		name := html.UnescapeString(m[1])
		if len(names) == 0 || names[len(names)-1] != name {
			names = append(names, name)
		}
	}
	return names
}

// checkedRadios returns the value checked for each radio question of a page.
func checkedRadios(body string) map[string]string {
	out := map[string]string{}
	for _, m := range radioInput.FindAllStringSubmatch(body, -1) {
		if m[3] != "" {
			out[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
		}
	}
	return out
}

// person says how one attendee answers the questionnaire.
type person struct {
	tp          string
	codes       map[string]int // item id → code; unlisted items are answered 3
	skipPatient bool           // tick "I don't work directly with patients"
	profession  string
	careerStage string
}

func (p person) code(item string) int {
	if c, ok := p.codes[item]; ok {
		return c
	}
	return 3
}

// completeSurvey answers the questionnaire from the "when" page to the final submit, page
// by page as a browser posts it (the page's hidden inputs plus the radios chosen), and
// returns the answer to the last post.
func (c *client) completeSurvey(token string, p person) response {
	c.t.Helper()
	when := c.get("/s/" + token + "/when")
	if when.status != http.StatusOK {
		c.fatalf("when page: status %d, location %q", when.status, when.location)
	}
	form := hiddenFields(when.body)
	form.Set("tp", p.tp)
	form.Set("action", "continue")
	r := c.post("/s/"+token+"/survey", form)
	for range 20 {
		if r.status != http.StatusOK {
			return r
		}
		if strings.Contains(r.body, "nhsuk-error-summary") {
			i := strings.Index(r.body, "nhsuk-error-summary")
			c.fatalf("unexpected errors on a page answered in full:\n%s", r.body[i:i+600])
		}
		form = formOf(r.body)
		skip := p.skipPatient && strings.Contains(r.body, `name="skip-cbi_patient" type="checkbox"`)
		if skip {
			form.Set("skip-cbi_patient", "yes")
		}
		for _, q := range radioQuestions(r.body) {
			switch {
			case q == "profession":
				form.Set(q, p.profession)
			case q == "career_stage":
				form.Set(q, p.careerStage)
			case !skip:
				form.Set(q, strconv.Itoa(p.code(q)))
			}
		}
		form.Set("action", "continue")
		r = c.post("/s/"+token+"/survey", form)
	}
	c.fatalf("the questionnaire did not end within 20 pages")
	return r
}
