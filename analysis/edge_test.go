package analysis

import (
	"math"
	"reflect"
	"testing"
)

// assertFinite walks a result (structs, pointers, slices) and fails on any NaN or ±Inf: the
// package promises nulls, never non-finite numbers.
func assertFinite(t *testing.T, name string, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Float64:
			if f := rv.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("%s%s = %v", name, path, f)
			}
		case reflect.Pointer:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		case reflect.Struct:
			for i := 0; i < rv.NumField(); i++ {
				walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < rv.Len(); i++ {
				walk(path, rv.Index(i))
			}
		}
	}
	walk("", reflect.ValueOf(v))
}

func fp(v float64) *float64 { return &v }

// TestReferenceEdgeCases runs Reference over degenerate scopes (INSTRUMENTS.md §5 "Not estimable
// → null") and checks which blocks are null; every result must also be free of NaN and Inf.
func TestReferenceEdgeCases(t *testing.T) {
	rci, _ := NewRCI(10, 0.8)
	tests := []struct {
		name                           string
		pre, post, sessions            []float64
		tNull, wilcoxonNull, gNull     bool
		spearmanNull, sdNull, meanNull bool
	}{
		{name: "n = 0", tNull: true, wilcoxonNull: true, gNull: true, spearmanNull: true, sdNull: true, meanNull: true},
		{name: "n = 1", pre: []float64{60}, post: []float64{40}, sessions: []float64{3},
			tNull: true, gNull: true, spearmanNull: true, sdNull: true},
		{name: "n = 2", pre: []float64{60, 50}, post: []float64{40, 45}, sessions: []float64{3, 4},
			spearmanNull: true},
		{name: "all-zero differences", pre: []float64{60, 50, 40, 30}, post: []float64{60, 50, 40, 30},
			sessions: []float64{1, 2, 3, 4}, tNull: true, wilcoxonNull: true, spearmanNull: true},
		{name: "changes equal only after rounding to 9 dp", pre: bitsPre, post: bitsPost(),
			sessions: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, tNull: true, spearmanNull: true},
		{name: "constant sessions", pre: []float64{60, 50, 40, 30}, post: []float64{50, 45, 42, 20},
			sessions: []float64{2, 2, 2, 2}, spearmanNull: true},
		{name: "s_pre + s_post = 0", pre: []float64{50, 50, 50}, post: []float64{25, 25, 25},
			sessions: []float64{1, 2, 3}, tNull: true, gNull: true, spearmanNull: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Reference(tc.pre, tc.post, tc.sessions, &rci, true, fp(50))
			assertFinite(t, "result", r)
			for _, c := range []struct {
				what     string
				isNull   bool
				wantNull bool
			}{
				{"t block", r.T == nil, tc.tNull}, {"Wilcoxon", r.Wilcoxon == nil, tc.wilcoxonNull},
				{"g_av", r.GAv == nil, tc.gNull}, {"Spearman", r.SpearmanRho == nil || r.SpearmanP == nil, tc.spearmanNull},
				{"SDs", r.SDD == nil, tc.sdNull}, {"means", r.MeanD == nil, tc.meanNull},
			} {
				if c.isNull != c.wantNull {
					t.Errorf("%s null = %v, want %v", c.what, c.isNull, c.wantNull)
				}
			}
			if r.RCI == nil || r.RCI.Recovered == nil {
				t.Fatal("RCI counts must be present whenever thresholds are given")
			}
			if got := *r.RCI.Recovered + r.RCI.Improved + r.RCI.NoChange + r.RCI.Deteriorated; got != r.N {
				t.Errorf("RCI categories sum to %d, want n = %d", got, r.N)
			}
		})
	}
}

// bitsPre + 12.6 gives changes of 12.6 and 12.599999999999998: equal at 9 dp, not in float64.
var bitsPre = []float64{0.1, 0.2, 0.3, 0.7, 1.3, 2.9, 0.6, 3.3, 4.1}

func bitsPost() []float64 {
	post := make([]float64, len(bitsPre))
	for i, p := range bitsPre {
		post[i] = p + 12.6
	}
	return post
}

// TestRoundingDecidesZeroSD pins the premise of the "equal only after rounding" case above: the
// raw changes differ in their last bits, so only the 9 dp rule makes the t block null.
func TestRoundingDecidesZeroSD(t *testing.T) {
	r := Reference(bitsPre, bitsPost(), nil, nil, true, nil)
	if *r.SDD == 0 {
		t.Fatal("raw SD of d is 0: the fixture no longer exercises the rounding rule")
	}
	if _, ok := PairedT(r.N, *r.MeanD, *r.SDD); !ok {
		t.Fatal("PairedT on the raw SD should be computable; the null comes from the rounded d")
	}
}

func TestReferenceWithoutCutoffOrRCI(t *testing.T) {
	r := Reference([]float64{6, 5, 4, 3}, []float64{7, 8, 3, 9}, nil, nil, false, nil)
	if r.PrevalencePre != nil || r.McNemarP != nil || r.RCI != nil || r.SpearmanRho != nil {
		t.Fatalf("cut-off, RCI and Spearman blocks must be null: %+v", r)
	}
	rci, _ := NewRCI(1, 0)
	r = Reference([]float64{6, 5, 4, 3}, []float64{7, 8, 1, 9}, nil, &rci, false, nil)
	if r.RCI == nil || r.RCI.Recovered != nil {
		t.Fatalf("without a cut-off rci_recovered must be null: %+v", r.RCI)
	}
	if r.RCI.Improved != 2 || r.RCI.NoChange != 1 || r.RCI.Deteriorated != 1 {
		t.Fatalf("higher-is-better counts = %+v, want 2 improved, 1 none, 1 deteriorated", *r.RCI)
	}
}

func TestReferenceLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("want a panic on mismatched lengths")
		}
	}()
	Reference([]float64{1, 2}, []float64{1}, nil, nil, true, nil)
}
