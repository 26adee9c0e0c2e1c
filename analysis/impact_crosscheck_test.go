package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// synthetic is a small random programme with the awkward cases the contract names: several
// responses per timepoint, ties of submitted_at between numeric and text ids, invalid scales,
// zero and tied changes, groups without a region, and small groups.
type synthetic struct {
	batch  *ingest.Batch
	groups map[string][2]string // code → modality, region
}

func makeSynthetic(seed uint64) synthetic {
	rnd := rand.New(rand.NewPCG(seed, 99))
	s := synthetic{batch: &ingest.Batch{}, groups: map[string][2]string{}}
	modalities := []string{"balint", "reflective_practice", "coaching"}
	regions := []string{"London", "Midlands", "South West", ""}
	start := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	items := map[string][]string{}
	set, _ := instrument.Load()
	for _, id := range []string{"cbi", "nss_morale"} {
		in, _ := set.Get(id)
		for _, it := range in.Items {
			items[id] = append(items[id], it.ID)
		}
	}
	for g := range 12 {
		code := fmt.Sprintf("G-%02d", g+1)
		mod, reg := modalities[g%3], regions[g%4]
		s.groups[code] = [2]string{mod, reg}
		s.batch.Groups = append(s.batch.Groups, ingest.Group{Code: code, Name: code, Modality: mod, Region: reg})
		for no := 1; no <= 6; no++ {
			s.batch.Sessions = append(s.batch.Sessions, ingest.Session{GroupCode: code, No: no, Date: start.AddDate(0, 0, 7*no)})
		}
		people := []int{2, 4, 6, 9, 12, 14}[rnd.IntN(6)]
		coarse := g%4 == 0 // few distinct answers: many zero and tied changes
		for p := range people {
			pc := fmt.Sprintf("P%03d", p)
			answer := func() map[string]int {
				a := map[string]int{}
				for _, id := range append(slices.Clone(items["cbi"]), items["nss_morale"]...) {
					if rnd.Float64() < 0.12 {
						continue
					}
					if coarse {
						a[id] = 3 + rnd.IntN(2)
					} else {
						a[id] = 1 + rnd.IntN(5)
					}
				}
				return a
			}
			at := start.Add(time.Duration(rnd.IntN(72)) * time.Hour)
			id := 0
			add := func(tp string, when time.Time, rid string) {
				s.batch.Responses = append(s.batch.Responses, ingest.Response{ResponseID: rid, GroupCode: code, ParticipantCode: pc,
					Timepoint: tp, SubmittedAt: when, Source: "import", Answers: answer()})
			}
			next := func() string { id++; return fmt.Sprintf("%s-%s-%d", code, pc, id) }
			add("pre", at, next())
			switch rnd.IntN(5) {
			case 0: // a tie of submitted_at between numeric ids: 17 beats 9 as numbers
				add("pre", at.Add(time.Hour), fmt.Sprintf("9%s%d", strconv.Itoa(g), p))
				add("pre", at.Add(time.Hour), fmt.Sprintf("17%s%d", strconv.Itoa(g), p))
			case 1: // a tie between text ids: compared as text
				add("pre", at.Add(2*time.Hour), code+pc+"-b")
				add("pre", at.Add(2*time.Hour), code+pc+"-a")
			}
			if rnd.Float64() < 0.8 {
				add("post", at.AddDate(0, 3, 0), next())
			}
			if rnd.Float64() < 0.4 {
				add("followup", at.AddDate(0, 6, 0), next())
			}
			for no := 1; no <= 6; no++ {
				if rnd.Float64() < 0.7 {
					s.batch.Attendance = append(s.batch.Attendance, ingest.Attendance{GroupCode: code, SessionNo: no, ParticipantCode: pc, Attended: rnd.Float64() < 0.8})
				}
			}
		}
	}
	return s
}

// counted applies INSTRUMENTS.md §4 in Go: the latest response per participant and timepoint,
// ties broken by the larger id, as numbers when both are numeric, else as text.
func counted(b *ingest.Batch) map[[3]string]ingest.Response {
	out := map[[3]string]ingest.Response{}
	for _, r := range b.Responses {
		k := [3]string{r.GroupCode, r.ParticipantCode, r.Timepoint}
		cur, ok := out[k]
		if !ok || r.SubmittedAt.After(cur.SubmittedAt) || (r.SubmittedAt.Equal(cur.SubmittedAt) && idGreater(r.ResponseID, cur.ResponseID)) {
			out[k] = r
		}
	}
	return out
}

func idGreater(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil && x != y {
		return x > y
	}
	return a > b
}

// TestAnalyseMatchesReference runs the SQL engine and an independent Go computation (counting
// rule, scoring, pairing, α, baseline SD and every statistic via Reference) on the same random
// programmes, and requires every shown number to agree to 1e-9.
func TestAnalyseMatchesReference(t *testing.T) {
	set, _ := instrument.Load()
	ms, _ := measures(set)
	for _, seed := range []uint64{1, 2, 3} {
		for _, comparison := range []string{"pre-post", "pre-followup"} {
			t.Run(fmt.Sprintf("seed %d %s", seed, comparison), func(t *testing.T) {
				s := makeSynthetic(seed)
				ctx := context.Background()
				db, err := ingest.Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"), ingest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Load(ctx, set, s.batch); err != nil {
					t.Fatal(err)
				}
				res, err := Analyse(ctx, db, set, Options{Comparison: comparison, MinCell: 3})
				if err != nil {
					t.Fatal(err)
				}
				want := referenceRows(t, set, ms, s, Comparisons[comparison])
				shown := 0
				for _, row := range res.Results {
					w, ok := want[cellKey{row.Scope, row.Key, row.Measure}]
					if !ok {
						t.Fatalf("unexpected row %s/%s/%s", row.Scope, row.Key, row.Measure)
					}
					if row.Suppressed {
						continue
					}
					shown++
					compareRow(t, row, w)
				}
				if shown < 40 {
					t.Fatalf("only %d rows shown: the check is too weak", shown)
				}
			})
		}
	}
}

// cellKey names one row of the results: a scope, its key and a measure.
type cellKey struct{ scope, key, measure string }

type refRow struct {
	nPre, nPost int
	ReferenceResult
}

func referenceRows(t *testing.T, set *instrument.Set, ms []Measure, s synthetic, later string) map[cellKey]refRow {
	t.Helper()
	cnt := counted(s.batch)
	score := func(r ingest.Response, m string) (float64, bool) {
		in, _, _ := set.Scale(m)
		sub := map[string]int{}
		for k, v := range r.Answers {
			if _, ok := in.Item(k); ok {
				sub[k] = v
			}
		}
		scores, err := in.Score(sub)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scores {
			if sc.Scale == m {
				return sc.Value, sc.Valid
			}
		}
		return 0, false
	}
	sessions := map[[2]string]map[int]bool{}
	for _, a := range s.batch.Attendance {
		k := [2]string{a.GroupCode, a.ParticipantCode}
		if a.Attended {
			if sessions[k] == nil {
				sessions[k] = map[int]bool{}
			}
			sessions[k][a.SessionNo] = true
		}
	}
	out := map[cellKey]refRow{}
	for _, m := range ms {
		// Programme baseline SD and α over counted pre responses (INSTRUMENTS.md §5).
		var pres []float64
		var complete [][]float64
		for k, r := range cnt {
			if k[2] != "pre" {
				continue
			}
			if v, ok := score(r, m.ID); ok {
				pres = append(pres, v)
			}
			row := []float64{}
			for _, it := range m.Items {
				code, ok := r.Answers[it.ID]
				if !ok {
					break
				}
				p, _ := it.Points(code)
				row = append(row, p)
			}
			if len(row) == len(m.Items) {
				complete = append(complete, row)
			}
		}
		var rci *RCIThresholds
		alpha, aok := CronbachAlpha(complete)
		if sd1 := refSD(pres, refMean(pres)); aok && len(pres) >= 2 {
			if th, ok := NewRCI(sd1, alpha); ok {
				rci = &th
			}
		}
		type acc struct {
			pre, post, sess []float64
			nPre, nPost     int
		}
		scopes := map[cellKey]*acc{}
		get := func(k cellKey) *acc {
			if scopes[k] == nil {
				scopes[k] = &acc{}
			}
			return scopes[k]
		}
		for code, gr := range s.groups {
			keys := []cellKey{{"overall", "all", m.ID}, {"group", code, m.ID}, {"modality", gr[0], m.ID}}
			if gr[1] != "" {
				keys = append(keys, cellKey{"region", gr[1], m.ID})
			}
			for _, k := range keys {
				get(k)
			}
			people := map[string]bool{}
			for k := range cnt {
				if k[0] == code {
					people[k[1]] = true
				}
			}
			for pc := range people {
				pr, hasPre := cnt[[3]string{code, pc, "pre"}]
				po, hasPost := cnt[[3]string{code, pc, later}]
				var vPre, vPost float64
				okPre, okPost := false, false
				if hasPre {
					vPre, okPre = score(pr, m.ID)
				}
				if hasPost {
					vPost, okPost = score(po, m.ID)
				}
				for _, k := range keys {
					a := get(k)
					if okPre {
						a.nPre++
					}
					if okPost {
						a.nPost++
					}
					if okPre && okPost {
						a.pre, a.post = append(a.pre, vPre), append(a.post, vPost)
						a.sess = append(a.sess, float64(len(sessions[[2]string{code, pc}])))
					}
				}
			}
		}
		for k, a := range scopes {
			out[k] = refRow{nPre: a.nPre, nPost: a.nPost, ReferenceResult: Reference(a.pre, a.post, a.sess, rci, m.HigherIsWorse, m.Cutoff)}
		}
	}
	return out
}

func compareRow(t *testing.T, got Row, want refRow) {
	t.Helper()
	name := got.Scope + "/" + got.Key + "/" + got.Measure
	ints := func(field string, g, w int) {
		if g != w {
			t.Errorf("%s %s = %d, want %d", name, field, g, w)
		}
	}
	ints("n_pre", got.NPre, want.nPre)
	ints("n_post", got.NPost, want.nPost)
	ints("n_paired", got.NPaired, want.N)
	nums := []struct {
		field string
		g, w  *float64
	}{
		{"mean_pre", got.MeanPre, want.MeanPre}, {"mean_post", got.MeanPost, want.MeanPost},
		{"mean_change", got.MeanChange, want.MeanD}, {"sd_change", got.SDChange, want.SDD},
		{"g_av", got.GAv, want.GAv}, {"spearman_rho", got.SpearmanRho, want.SpearmanRho}, {"p_spearman", got.PSpearman, want.SpearmanP},
		{"prev_pre", got.PrevPre, want.PrevalencePre}, {"prev_post", got.PrevPost, want.PrevalencePost}, {"p_mcnemar", got.PMcNemar, want.McNemarP},
	}
	if want.T != nil {
		w := want.T
		nums = append(nums, []struct {
			field string
			g, w  *float64
		}{{"t", got.T, &w.T}, {"df", got.DF, &w.DF}, {"p_t", got.PT, &w.P}, {"ci95_low", got.CILow, &w.CILow}, {"ci95_high", got.CIHigh, &w.CIHigh}, {"dz", got.DZ, &w.DZ}}...)
	} else if got.T != nil || got.PT != nil || got.DZ != nil || got.CILow != nil {
		t.Errorf("%s: t block should be null", name)
	}
	if want.Wilcoxon != nil {
		w := want.Wilcoxon
		nums = append(nums, []struct {
			field string
			g, w  *float64
		}{{"wilcoxon_t", got.WilcoxonT, &w.T}, {"p_wilcoxon", got.PWilcoxon, &w.P}}...)
		if got.WilcoxonMethod == nil || *got.WilcoxonMethod != w.Method {
			t.Errorf("%s wilcoxon_method = %v, want %s", name, got.WilcoxonMethod, w.Method)
		}
	} else if got.WilcoxonT != nil || got.PWilcoxon != nil {
		t.Errorf("%s: Wilcoxon should be null", name)
	}
	for _, n := range nums {
		switch {
		case (n.g == nil) != (n.w == nil):
			t.Errorf("%s %s = %v, want %v", name, n.field, deref(n.g), deref(n.w))
		case n.g != nil && math.Abs(*n.g-*n.w) > 1e-9*math.Max(1, math.Abs(*n.w)):
			t.Errorf("%s %s = %.15g, want %.15g", name, n.field, *n.g, *n.w)
		}
	}
	if want.RCI == nil {
		if got.RCIImproved != nil {
			t.Errorf("%s: RCI counts should be null", name)
		}
		return
	}
	if got.RCIImproved == nil || got.RCINoChange == nil || got.RCIDeteriorated == nil {
		t.Errorf("%s: RCI counts missing", name)
		return
	}
	ints("rci_improved", *got.RCIImproved, want.RCI.Improved)
	ints("rci_no_change", *got.RCINoChange, want.RCI.NoChange)
	ints("rci_deteriorated", *got.RCIDeteriorated, want.RCI.Deteriorated)
	if (got.RCIRecovered == nil) != (want.RCI.Recovered == nil) || (got.RCIRecovered != nil && *got.RCIRecovered != *want.RCI.Recovered) {
		t.Errorf("%s rci_recovered = %v, want %v", name, deref(got.RCIRecovered), deref(want.RCI.Recovered))
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
