package surveys_test

import (
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"testing"
)

// TestConcurrentSubmissions runs many attendees through the HTML journey at once, each with
// answers of its own, and checks that every stored response holds exactly its own
// client's answers under its own code: no answers cross between requests even though Fiber
// reuses request memory and the writer batches submissions together.
func TestConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const n = 32
	type result struct {
		code   string
		person person
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			c := f.client(t)
			c.fatalf = func(format string, args ...any) {
				errs <- fmt.Errorf("client %d: "+format, append([]any{i}, args...)...)
				runtime.Goexit() // ends this journey only; wg.Go still marks it done
			}
			if r := c.post("/s/"+f.invite+"/start", url.Values{"consent": {"yes"}}); r.status != 303 {
				errs <- fmt.Errorf("client %d: start %d", i, r.status)
				return
			}
			p := personFor(i)
			if r := c.completeSurvey(f.invite, p); r.status != 303 {
				errs <- fmt.Errorf("client %d: submit %d", i, r.status)
				return
			}
			results[i] = result{c.cookie("pp_OPEN-1"), p}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	byCode := map[string]storedResponse{}
	for _, r := range f.responses(t) {
		if _, dup := byCode[r.code]; dup {
			t.Errorf("code %s stored twice", r.code)
		}
		byCode[r.code] = r
	}
	if len(byCode) != n {
		t.Fatalf("%d responses stored, want %d", len(byCode), n)
	}
	for i, res := range results {
		got, ok := byCode[res.code]
		if !ok {
			t.Errorf("client %d: no response under its code", i)
			continue
		}
		if len(got.answers) != 32 || got.profession != res.person.profession || got.careerStage != res.person.careerStage {
			t.Errorf("client %d: %d answers, %q/%q", i, len(got.answers), got.profession, got.careerStage)
		}
		for id, code := range got.answers {
			if code != res.person.code(id) {
				t.Errorf("client %d: %s = %d, want %d", i, id, code, res.person.code(id))
			}
		}
	}
}

// personFor gives client i answers that differ from its neighbours' on every page.
func personFor(i int) person {
	items := []string{"cbi_p1", "cbi_p2", "cbi_p3", "cbi_p4", "cbi_p5", "cbi_p6", "cbi_w1", "cbi_w2", "cbi_w3",
		"cbi_w4", "cbi_w5", "cbi_w6", "cbi_w7", "cbi_c1", "cbi_c2", "cbi_c3", "cbi_c4", "cbi_c5", "cbi_c6",
		"nss_leave1", "nss_leave2", "nss_leave3", "nss_press1", "nss_press2", "nss_press3",
		"nss_str1", "nss_str2", "nss_str3", "nss_str4", "nss_str5", "nss_str6", "nss_str7"}
	p := person{tp: "pre", codes: map[string]int{}}
	for k, id := range items {
		p.codes[id] = 1 + (i+k*(i%3+1))%4 // 1..4: never "Always" to cbi_p4, whatever i is
	}
	professions := []string{"GP", "nurse", "midwife", "pharmacist", ""}
	stages := []string{"trainee", "early career", "", "late career"}
	p.profession, p.careerStage = professions[i%len(professions)], stages[i%len(stages)]
	return p
}
