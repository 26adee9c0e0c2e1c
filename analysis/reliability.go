package analysis

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/peerpulse/peerpulse/surveys/instrument"
)

// itemTable knows every item of the instrument set: its points per code (after reversal), for
// reading the answers documents of counted baseline responses into Cronbach's α.
type itemTable struct {
	ids    []string
	index  map[string]int
	points [][]float64 // [item][code-1]
}

func newItemTable(set *instrument.Set) (*itemTable, error) {
	t := &itemTable{index: map[string]int{}}
	for _, in := range set.All() {
		for _, it := range in.Items {
			if _, dup := t.index[it.ID]; dup {
				continue
			}
			pts, err := itemPoints(&it)
			if err != nil {
				return nil, err
			}
			t.index[it.ID] = len(t.ids)
			t.ids = append(t.ids, it.ID)
			t.points = append(t.points, pts)
		}
	}
	return t, nil
}

// itemPoints are an item's points per code (after reversal): [code-1].
func itemPoints(it *instrument.Item) ([]float64, error) {
	pts := make([]float64, it.Options.Len())
	for code := range pts {
		p, err := it.Points(code + 1)
		if err != nil {
			return nil, err
		}
		pts[code] = p
	}
	return pts, nil
}

// doubleList writes points as a DuckDB DOUBLE[] literal, for list_extract by answer code.
func doubleList(pts []float64) string {
	list := make([]string, len(pts))
	for i, p := range pts {
		list[i] = strconv.FormatFloat(p, 'g', -1, 64)
	}
	return "[" + strings.Join(list, ", ") + "]::DOUBLE[]"
}

// parseAnswers sets codes[i] to the code answered for item i of the table, 0 when not
// answered. ingest writes the document as {"item":code,...} in the order of the instrument
// definitions, which is what the fast path reads; anything else goes through encoding/json.
// A code that is not a whole number is treated as not answered (ingest never stores one).
func (t *itemTable) parseAnswers(doc string, codes []int) {
	clear(codes)
	if !t.parseFast(doc, codes) {
		clear(codes)
		var m map[string]json.Number
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			return
		}
		for k, v := range m {
			if i, ok := t.index[k]; ok {
				if c, err := strconv.Atoi(string(v)); err == nil {
					codes[i] = c
				}
			}
		}
	}
}

func (t *itemTable) parseFast(doc string, codes []int) bool {
	n := len(doc)
	if n < 2 || doc[0] != '{' || doc[n-1] != '}' {
		return false
	}
	next := 0 // the item expected next, in definition order
	pos := 1
	if doc[pos] == '}' {
		return pos == n-1
	}
	for {
		if doc[pos] != '"' {
			return false
		}
		end := pos + 1
		for end < n && doc[end] != '"' {
			if doc[end] == '\\' {
				return false
			}
			end++
		}
		if end+2 >= n || doc[end+1] != ':' {
			return false
		}
		key := doc[pos+1 : end]
		item := -1
		for j := next; j < len(t.ids); j++ {
			if t.ids[j] == key {
				item = j
				break
			}
		}
		if item < 0 {
			i, ok := t.index[key]
			if !ok {
				return false
			}
			item = i
		}
		next = item + 1
		pos = end + 2
		code := 0
		start := pos
		for pos < n && doc[pos] >= '0' && doc[pos] <= '9' {
			code = code*10 + int(doc[pos]-'0')
			pos++
			if pos-start > 6 {
				return false
			}
		}
		if pos == start || pos >= n {
			return false
		}
		codes[item] = code
		switch doc[pos] {
		case ',':
			pos++
		case '}':
			return pos == n-1
		default:
			return false
		}
	}
}

// reliabilityAcc gathers, over the counted pre responses of the whole programme (unfiltered),
// each measure's baseline scores and, over the responses that answered every item of the
// measure, the variance of each item's points and of their total (INSTRUMENTS.md §5).
type reliabilityAcc struct {
	items   *itemTable
	measure [][]int // per measure, its items as indexes into the table
	codes   []int
	pts     []float64
	sd1     []moments
	item    [][]moments // [measure][item of the measure]
	total   []moments
}

func newReliabilityAcc(t *itemTable, ms []Measure) *reliabilityAcc {
	a := &reliabilityAcc{items: t, codes: make([]int, len(t.ids)), sd1: make([]moments, len(ms)),
		item: make([][]moments, len(ms)), total: make([]moments, len(ms)), measure: make([][]int, len(ms))}
	for mi, m := range ms {
		for _, it := range m.Items {
			a.measure[mi] = append(a.measure[mi], t.index[it.ID])
		}
		a.item[mi] = make([]moments, len(m.Items))
	}
	return a
}

// addScore adds one participant's counted pre scores (NaN: not valid) to the baseline SDs.
func (a *reliabilityAcc) addScore(mi int, score float64) {
	if !math.IsNaN(score) {
		a.sd1[mi].add(score)
	}
}

// addAnswers adds one counted pre response's answers document.
func (a *reliabilityAcc) addAnswers(doc string) {
	a.items.parseAnswers(doc, a.codes)
	for mi, items := range a.measure {
		a.pts = a.pts[:0]
		total := 0.0
		complete := true
		for _, i := range items {
			c := a.codes[i]
			pts := a.items.points[i]
			if c < 1 || c > len(pts) {
				complete = false
				break
			}
			a.pts = append(a.pts, pts[c-1])
			total += pts[c-1]
		}
		if !complete {
			continue
		}
		for j, p := range a.pts {
			a.item[mi][j].add(p)
		}
		a.total[mi].add(total)
	}
}

// measureReliability is what RCI needs for one measure: the programme's baseline SD and
// Cronbach's α, each computed or replaced by its configured override.
type measureReliability struct {
	sd1, alpha float64
	ok         bool // both known; NewRCI still refuses α ≥ 1 or an SD that is not positive
}

// result turns the sums into what RCI needs per measure, with the configured overrides.
func (a *reliabilityAcc) result(ms []Measure, overrides map[string]RCIOverride) []measureReliability {
	out := make([]measureReliability, len(ms))
	for mi, m := range ms {
		var r measureReliability
		sd1, sdOK := a.sd1[mi].sd()
		if sdOK {
			r.sd1 = sd1
		}
		k := len(a.measure[mi])
		totalVar, totalOK := a.total[mi].variance()
		alphaOK := a.total[mi].n >= 2 && k >= 2 && totalOK && totalVar > 0
		if alphaOK {
			itemVar := 0.0
			for j := range a.item[mi] {
				v, _ := a.item[mi][j].variance()
				itemVar += v
			}
			r.alpha = alphaFrom(k, itemVar, totalVar)
		}
		if o, ok := overrides[m.ID]; ok {
			if o.SD1 != nil {
				r.sd1, sdOK = *o.SD1, true
			}
			if o.Reliability != nil {
				r.alpha, alphaOK = *o.Reliability, true
			}
		}
		r.ok = sdOK && alphaOK
		out[mi] = r
	}
	return out
}
