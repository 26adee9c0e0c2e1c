package analysis

import (
	"math"
	"math/bits"
	"sync"
	"testing"
)

// bruteSignedRankP enumerates all 2ⁿ sign patterns: an oracle independent of the subset-sum DP.
func bruteSignedRankP(n, r int) float64 {
	var le, ge int
	for mask := 0; mask < 1<<n; mask++ {
		sum := 0
		for m := mask; m != 0; m &= m - 1 {
			sum += bits.TrailingZeros(uint(m)) + 1
		}
		if sum <= r {
			le++
		}
		if sum >= r {
			ge++
		}
	}
	return math.Min(1, 2*float64(min(le, ge))/float64(int(1)<<n))
}

func TestWilcoxonExactMatchesEnumeration(t *testing.T) {
	for n := 1; n <= 12; n++ {
		for r := 0; r <= n*(n+1)/2; r++ {
			got, want := wilcoxonExactP(n, float64(r)), bruteSignedRankP(n, r)
			if got != want {
				t.Fatalf("n′=%d R+=%d: p = %v, want %v", n, r, got, want)
			}
		}
	}
}

func TestWilcoxonExactDistribution(t *testing.T) {
	for n := 1; n <= WilcoxonExactMaxN; n++ {
		cum := signedRankCumCounts(n)
		if got := cum[len(cum)-1]; got != 1<<n {
			t.Fatalf("n′=%d: %d subsets, want 2^%d", n, got, n)
		}
		total := n * (n + 1) / 2
		for r := 0; r <= total; r++ { // the null distribution of R+ is symmetric about total/2
			if a, b := wilcoxonExactP(n, float64(r)), wilcoxonExactP(n, float64(total-r)); a != b {
				t.Fatalf("n′=%d: p(%d) = %v but p(%d) = %v", n, r, a, total-r, b)
			}
		}
	}
}

// TestWilcoxonCacheConcurrent builds the cache from many goroutines at once; run with -race.
func TestWilcoxonCacheConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := WilcoxonExactMaxN; n >= 1; n-- {
				if _, ok := Wilcoxon(n, float64(n), 0, 0); !ok {
					t.Errorf("n′=%d not estimable", n)
				}
			}
		}()
	}
	wg.Wait()
}

func TestWilcoxonPaths(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		rPlus  float64
		tie    float64
		zeros  int
		ok     bool
		method string
		wantT  float64
		wantP  float64 // checked when > 0
	}{
		{"n′ = 0", 0, 0, 0, 3, false, "", 0, 0},
		{"n′ = 1 exact", 1, 1, 0, 0, true, WilcoxonExact, 0, 1},
		{"n′ = 1 with a zero → approx", 1, 1, 0, 1, true, WilcoxonApprox, 0, 2 * 0.15865525393145707},
		{"n′ = 50 exact", 50, 400, 0, 0, true, WilcoxonExact, 400, 0},
		{"n′ = 51 switches to approx", 51, 400, 0, 0, true, WilcoxonApprox, 400, 0},
		{"single tie → approx", 10, 10.5, 6, 0, true, WilcoxonApprox, 10.5, 0},
		{"T is min(R+, R−)", 10, 50, 0, 0, true, WilcoxonExact, 5, 0},
		{"R+ above n′(n′+1)/2", 10, 56, 0, 0, false, "", 0, 0},
		{"negative R+", 10, -1, 0, 0, false, "", 0, 0},
		{"negative tie term", 10, 5, -6, 0, false, "", 0, 0},
		{"tie term beyond any data → σ² ≤ 0", 2, 1, 1000, 0, false, "", 0, 0},
		{"NaN R+", 10, math.NaN(), 0, 0, false, "", 0, 0},
		{"negative zeros", 10, 5, 0, -1, false, "", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Wilcoxon(tc.n, tc.rPlus, tc.tie, tc.zeros)
			assertFinite(t, "Wilcoxon", got)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if got.Method != tc.method || got.T != tc.wantT || got.P < 0 || got.P > 1 {
				t.Fatalf("got %+v, want method %s, T %v", got, tc.method, tc.wantT)
			}
			if tc.wantP > 0 && !near(got.P, tc.wantP) {
				t.Fatalf("p = %.17g, want %.17g", got.P, tc.wantP)
			}
		})
	}
}
