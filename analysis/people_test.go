package analysis

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// TestParseAnswers checks the fast reader of answers documents against encoding/json, on
// ingest's own layout and on documents only the fallback can read.
func TestParseAnswers(t *testing.T) {
	set, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	items, err := newItemTable(set)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		want      map[string]int
	}{
		{"layout order", `{"cbi_p1":4,"cbi_p2":3,"cbi_w7":1,"nss_str7":5}`, map[string]int{"cbi_p1": 4, "cbi_p2": 3, "cbi_w7": 1, "nss_str7": 5}},
		{"empty", `{}`, map[string]int{}},
		{"out of order", `{"nss_str7":2,"cbi_p1":1}`, map[string]int{"nss_str7": 2, "cbi_p1": 1}},
		{"spaces", `{ "cbi_p1" : 4 , "cbi_p2": 2 }`, map[string]int{"cbi_p1": 4, "cbi_p2": 2}},
		{"unknown item ignored", `{"cbi_p1":4,"nope":3}`, map[string]int{"cbi_p1": 4}},
		{"not a whole number", `{"cbi_p1":4.5,"cbi_p2":2}`, map[string]int{"cbi_p2": 2}},
		{"not JSON", `{"cbi_p1":4`, map[string]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			codes := make([]int, len(items.ids))
			for i := range codes {
				codes[i] = 9 // must be cleared
			}
			items.parseAnswers(tc.doc, codes)
			for i, id := range items.ids {
				if codes[i] != tc.want[id] {
					t.Errorf("%s = %d, want %d", id, codes[i], tc.want[id])
				}
			}
		})
	}
	// Random documents in ingest's layout read the same as through encoding/json.
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		answers := map[string]int{}
		doc := []byte{'{'}
		for _, id := range items.ids {
			if r.IntN(3) == 0 {
				continue
			}
			answers[id] = 1 + r.IntN(5)
			if len(doc) > 1 {
				doc = append(doc, ',')
			}
			b, _ := json.Marshal(id)
			doc = append(doc, b...)
			doc = append(doc, ':')
			doc = append(doc, byte('0'+answers[id]))
		}
		doc = append(doc, '}')
		codes := make([]int, len(items.ids))
		if !items.parseFast(string(doc), codes) {
			t.Fatalf("fast path refused %s", doc)
		}
		for i, id := range items.ids {
			if codes[i] != answers[id] {
				t.Fatalf("%s: %s = %d, want %d", doc, id, codes[i], answers[id])
			}
		}
	}
}

// TestAvgRanks compares the ranking (insertion sort for small inputs, sorting above 32) with
// the definition: values below plus the mean position among equals.
func TestAvgRanks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, 12, 32, 33, 100, 700} {
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(r.IntN(max(1, n/3))) - int64(n/6)
		}
		ranks := make([]float64, n)
		avgRanks(v, ranks, make([]int32, n))
		for i := range v {
			below, same := 0, 0
			for j := range v {
				if v[j] < v[i] {
					below++
				} else if v[j] == v[i] {
					same++
				}
			}
			if want := float64(below) + float64(same+1)/2; ranks[i] != want {
				t.Fatalf("n = %d: rank of v[%d] = %v, want %v", n, i, ranks[i], want)
			}
		}
	}
}

// TestRanksAgreeWithReference ranks one scope of pairs both ways the analysis does (a group's
// own ranks, and a larger scope's ranks through distinct changes) and checks Wilcoxon and
// Spearman against the independent Reference, with zeros, ties and groups above the insertion
// sort's size.
func TestRanksAgreeWithReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{3, 12, 40, 600} {
		pre, post, sessions := make([]float64, n), make([]float64, n), make([]float64, n)
		pairs := make([]pair, n)
		for i := range pairs {
			pre[i] = float64(r.IntN(21)) * 5
			post[i] = pre[i] + float64(r.IntN(9)-5)*25/7.0
			sessions[i] = float64(r.IntN(8))
			d := post[i] - pre[i]
			pairs[i] = pair{pre: pre[i], post: post[i], d: d, key: changeKey(d), sessions: int32(sessions[i])}
		}
		want := Reference(pre, post, sessions, nil, true, nil)
		var g cell
		var s rankScratch
		s.groupRanks(&g, pairs)
		// One group, inside the programme (0) and its modality (1), without a region.
		larger := make([]cell, 2)
		largerRanks(larger, pairs, scopeLayout{nLarger: 2, modality: []int32{1}, region: []int32{-1}})
		for name, c := range map[string]*cell{"group": &g, "programme": &larger[0], "modality": &larger[1]} {
			zeros := 0
			for _, q := range pairs {
				if q.key == 0 {
					zeros++
				}
			}
			w, ok := Wilcoxon(c.nNonZero, c.rPlus, c.tieSum, zeros)
			if ok != (want.Wilcoxon != nil) || (ok && (w.Method != want.Wilcoxon.Method || !close12(w.T, want.Wilcoxon.T) || !close12(w.P, want.Wilcoxon.P))) {
				t.Errorf("n = %d %s: Wilcoxon %+v %v, want %+v", n, name, w, ok, want.Wilcoxon)
			}
			rho, p, ok := SpearmanFromRankSums(c.sn, c.sx, c.sy, c.sxx, c.syy, c.sxy)
			if ok != (want.SpearmanRho != nil) || (ok && (!close12(rho, *want.SpearmanRho) || !close12(p, *want.SpearmanP))) {
				t.Errorf("n = %d %s: Spearman %v %v %v, want %v %v", n, name, rho, p, ok, want.SpearmanRho, want.SpearmanP)
			}
		}
		if g.nNonZero != larger[0].nNonZero || g.rPlus != larger[0].rPlus || g.tieSum != larger[0].tieSum {
			t.Errorf("n = %d: group and larger-scope signed ranks differ: %+v vs %+v", n, g, larger[0])
		}
	}
}

func close12(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
