package analysis

import (
	"math"
	"math/big"
	"testing"
)

// exactMcNemar sums binomial coefficients in big integers: an oracle with no rounding until the
// final division.
func exactMcNemar(b, c int) float64 {
	m, k := b+c, min(b, c)
	if m == 0 {
		return 1
	}
	sum, coef := new(big.Int), big.NewInt(1)
	for i := 0; i <= k; i++ {
		sum.Add(sum, coef)
		coef.Mul(coef, big.NewInt(int64(m-i)))
		coef.Quo(coef, big.NewInt(int64(i+1)))
	}
	p, _ := new(big.Rat).SetFrac(new(big.Int).Lsh(sum, 1), new(big.Int).Lsh(big.NewInt(1), uint(m))).Float64()
	return math.Min(1, p)
}

// logSpaceMcNemar is the textbook stable route for large b+c: the largest term from lgamma, the
// rest by the ratio t(i−1)/t(i) = i/(m−i+1). Its accuracy is limited by lgamma(m) (~1e-9 relative
// at m = 10⁶), as is gonum's incomplete beta; hence the 1e-7 tolerance below. Against the big
// integer oracle gonum is within ~1e-10 up to m = 10⁵.
func logSpaceMcNemar(b, c int) float64 {
	m, k := float64(b+c), float64(min(b, c))
	lm, _ := math.Lgamma(m + 1)
	lk, _ := math.Lgamma(k + 1)
	lr, _ := math.Lgamma(m - k + 1)
	top := lm - lk - lr - m*math.Ln2
	sum, term := 0.0, 1.0
	for i := k; i >= 0 && term > 1e-20; i-- {
		sum += term
		term *= i / (m - i + 1)
	}
	return math.Min(1, 2*math.Exp(top)*sum)
}

func TestMcNemarExact(t *testing.T) {
	tests := []struct {
		b, c int
		want float64
	}{
		{0, 0, 1}, {0, 5, 0.0625}, {5, 0, 0.0625}, {1, 9, 22.0 / 1024}, {3, 3, 1}, {2, 3, 1},
		{-1, 5, 0.0625}, // negative counts are treated as 0
	}
	for _, tc := range tests {
		if got := McNemarExact(tc.b, tc.c); !near(got, tc.want) {
			t.Errorf("McNemarExact(%d, %d) = %v, want %v", tc.b, tc.c, got, tc.want)
		}
	}
	for _, bc := range [][2]int{{7, 19}, {40, 70}, {100, 160}, {480, 520}, {900, 1100}, {10, 1990}, {9800, 10200}} {
		got, want := McNemarExact(bc[0], bc[1]), exactMcNemar(bc[0], bc[1])
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("McNemarExact(%d, %d) = %.17g, exact %.17g", bc[0], bc[1], got, want)
		}
	}
}

func TestMcNemarHuge(t *testing.T) {
	for _, bc := range [][2]int{{499000, 501000}, {499500, 500500}, {497000, 503000}, {100000, 120000}} {
		got, want := McNemarExact(bc[0], bc[1]), logSpaceMcNemar(bc[0], bc[1])
		if !allFinite(got) || math.Abs(got-want) > 1e-7*want {
			t.Errorf("McNemarExact(%d, %d) = %.17g, log-space %.17g", bc[0], bc[1], got, want)
		}
		if sym := McNemarExact(bc[1], bc[0]); sym != got {
			t.Errorf("not symmetric: %v vs %v", got, sym)
		}
	}
	for _, bc := range [][2]int{{500000, 500000}, {0, 1000000}, {1, 999999}, {1000000, 0}} {
		if got := McNemarExact(bc[0], bc[1]); !allFinite(got) || got < 0 || got > 1 {
			t.Errorf("McNemarExact(%d, %d) = %v, want a probability", bc[0], bc[1], got)
		}
	}
	if got := McNemarExact(500000, 500000); got != 1 {
		t.Errorf("b = c must give 1, got %v", got)
	}
}

func TestBenjaminiHochbergEdges(t *testing.T) {
	tests := []struct {
		name    string
		in, out []float64
	}{
		{"empty", []float64{}, []float64{}},
		{"nil", nil, []float64{}},
		{"single", []float64{0.03}, []float64{0.03}},
		{"ties share a value", []float64{0.02, 0.02, 0.5}, []float64{0.03, 0.03, 0.5}},
		{"capped at 1", []float64{0.9, 0.8, 0.95}, []float64{0.95, 0.95, 0.95}},
		{"all ones", []float64{1, 1}, []float64{1, 1}},
		{"out of range and NaN clamped", []float64{math.NaN(), -0.1, 1.5, 0.01}, []float64{1, 0, 1, 0.02}},
	}
	for _, tc := range tests {
		got := BenjaminiHochberg(tc.in)
		if got == nil || len(got) != len(tc.out) {
			t.Fatalf("%s: got %v, want %v", tc.name, got, tc.out)
		}
		for i := range got {
			if !near(got[i], tc.out[i]) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.out)
				break
			}
		}
	}
}
