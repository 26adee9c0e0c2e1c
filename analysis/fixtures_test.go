package analysis

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// fixtureFile mirrors testdata/fixtures.json, a transcription of INSTRUMENTS.md §7.
type fixtureFile struct {
	Scopes []struct {
		Name                string
		Pre, Post, Sessions []float64
		RCIR                float64 `json:"rci_r"`
		Cutoff              float64
		HigherIsWorse       bool `json:"higher_is_worse"`
		Want                struct {
			MeanD           float64 `json:"mean_d"`
			SDD             float64 `json:"sd_d"`
			T, DF           float64
			PT              float64    `json:"p_t"`
			CI              [2]float64 `json:"ci"`
			CIAbsTol        float64    `json:"ci_abs_tol"` // 0: the usual near()
			CIExact         []float64  `json:"ci_exact"`
			WilcoxonT       float64    `json:"wilcoxon_t"`
			WilcoxonMethod  string     `json:"wilcoxon_method"`
			PWilcoxon       float64    `json:"p_wilcoxon"`
			DZ              float64    `json:"dz"`
			GAv             float64    `json:"g_av"`
			PrevPre         float64    `json:"prev_pre"`
			PrevPost        float64    `json:"prev_post"`
			PMcNemar        float64    `json:"p_mcnemar"`
			SpearmanRho     float64    `json:"spearman_rho"`
			PSpearman       float64    `json:"p_spearman"`
			RCIRecovered    int        `json:"rci_recovered"`
			RCIImproved     int        `json:"rci_improved"`
			RCINoChange     int        `json:"rci_no_change"`
			RCIDeteriorated int        `json:"rci_deteriorated"`
		}
	}
	WilcoxonExact struct {
		D      []float64
		T      float64
		Method string
		P      float64
	} `json:"wilcoxon_exact"`
	CronbachAlpha struct {
		Rows  [][]float64
		Alpha float64
	} `json:"cronbach_alpha"`
	DerSimonianLaird struct {
		Groups []struct {
			Mean, SD float64
			N        int
		}
		Tau2, I2, Estimate float64
		CI                 [2]float64
		P                  float64
	} `json:"dersimonian_laird"`
	BenjaminiHochberg struct{ P, Want []float64 } `json:"benjamini_hochberg"`
}

func loadFixtures(t *testing.T) fixtureFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// near compares to 1e-9 relative, with a 1e-12 absolute floor for values near 0: the §7 table
// gives 12 significant digits, so its own rounding is far inside that.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Abs(want) || math.Abs(got-want) <= 1e-12
}

func checkNear(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	switch {
	case got == nil:
		t.Errorf("%s = null, want %.12g", name, want)
	case !near(*got, want):
		t.Errorf("%s = %.15g, want %.12g", name, *got, want)
	}
}

func TestFixtureScopes(t *testing.T) {
	for _, sc := range loadFixtures(t).Scopes {
		t.Run(sc.Name, func(t *testing.T) {
			rci, ok := NewRCI(refSD(sc.Pre, refMean(sc.Pre)), sc.RCIR)
			if !ok {
				t.Fatal("NewRCI not estimable")
			}
			cutoff := sc.Cutoff
			r := Reference(sc.Pre, sc.Post, sc.Sessions, &rci, sc.HigherIsWorse, &cutoff)
			w := sc.Want
			checkNear(t, "mean d", r.MeanD, w.MeanD)
			checkNear(t, "SD d", r.SDD, w.SDD)
			if r.T == nil {
				t.Fatal("t block null")
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"t", r.T.T, w.T}, {"df", r.T.DF, w.DF}, {"p_t", r.T.P, w.PT}, {"dz", r.T.DZ, w.DZ},
			} {
				checkNear(t, c.name, &c.got, c.want)
			}
			checkCI(t, r.T, w.CI, w.CIAbsTol, w.CIExact)
			if r.Wilcoxon == nil {
				t.Fatal("Wilcoxon null")
			}
			checkNear(t, "Wilcoxon T", &r.Wilcoxon.T, w.WilcoxonT)
			checkNear(t, "p_wilcoxon", &r.Wilcoxon.P, w.PWilcoxon)
			if r.Wilcoxon.Method != w.WilcoxonMethod {
				t.Errorf("Wilcoxon path = %s, want %s", r.Wilcoxon.Method, w.WilcoxonMethod)
			}
			checkNear(t, "g_av", r.GAv, w.GAv)
			checkNear(t, "prevalence pre", r.PrevalencePre, w.PrevPre)
			checkNear(t, "prevalence post", r.PrevalencePost, w.PrevPost)
			checkNear(t, "p_mcnemar", r.McNemarP, w.PMcNemar)
			checkNear(t, "Spearman rho", r.SpearmanRho, w.SpearmanRho)
			checkNear(t, "p_spearman", r.SpearmanP, w.PSpearman)
			if r.RCI == nil || r.RCI.Recovered == nil {
				t.Fatal("RCI counts null")
			}
			got := [4]int{*r.RCI.Recovered, r.RCI.Improved, r.RCI.NoChange, r.RCI.Deteriorated}
			want := [4]int{w.RCIRecovered, w.RCIImproved, w.RCINoChange, w.RCIDeteriorated}
			if got != want {
				t.Errorf("RCI recovered/improved/none/deteriorated = %v, want %v", got, want)
			}
		})
	}
}

func TestFixtureWilcoxonExact(t *testing.T) {
	f := loadFixtures(t).WilcoxonExact
	r := Reference(make([]float64, len(f.D)), f.D, nil, nil, true, nil)
	if r.Wilcoxon == nil {
		t.Fatal("Wilcoxon null")
	}
	if r.Wilcoxon.T != f.T || r.Wilcoxon.Method != f.Method || !near(r.Wilcoxon.P, f.P) {
		t.Fatalf("got %+v, want T=%v %s p=%v", *r.Wilcoxon, f.T, f.Method, f.P)
	}
}

func TestFixtureCronbachAlpha(t *testing.T) {
	f := loadFixtures(t).CronbachAlpha
	got, ok := CronbachAlpha(f.Rows)
	checkNear(t, "alpha", ptrIf(got, ok), f.Alpha)
}

func TestFixtureDerSimonianLaird(t *testing.T) {
	f := loadFixtures(t).DerSimonianLaird
	groups := make([]GroupEstimate, len(f.Groups))
	for i, g := range f.Groups {
		groups[i] = GroupEstimate{Mean: g.Mean, SD: g.SD, N: g.N}
	}
	p, ok := DerSimonianLaird(groups)
	if !ok || p.K != len(groups) {
		t.Fatalf("ok = %v, K = %d", ok, p.K)
	}
	checkNear(t, "tau2", &p.Tau2, f.Tau2)
	checkNear(t, "I2", p.I2, f.I2)
	checkNear(t, "pooled", &p.Estimate, f.Estimate)
	checkNear(t, "CI low", &p.CILow, f.CI[0])
	checkNear(t, "CI high", &p.CIHigh, f.CI[1])
	checkNear(t, "p", &p.P, f.P)
}

func TestFixtureBenjaminiHochberg(t *testing.T) {
	f := loadFixtures(t).BenjaminiHochberg
	got := BenjaminiHochberg(f.P)
	for i := range f.Want {
		checkNear(t, "p_bh", &got[i], f.Want[i])
	}
}

// checkCI compares the t CI with the §7 table. Fixture A's table CI was computed with a t
// quantile cut to 9 decimals (see ci_note in fixtures.json), so there the table is checked to its
// own accuracy (ci_abs_tol) and the exact bounds d̄ ± qt(0.975, 7)·s/√n to 1e-12.
func checkCI(t *testing.T, r *TTestResult, table [2]float64, absTol float64, exact []float64) {
	t.Helper()
	got := [2]float64{r.CILow, r.CIHigh}
	for i, name := range []string{"CI low", "CI high"} {
		if absTol == 0 {
			checkNear(t, name, &got[i], table[i])
		} else if math.Abs(got[i]-table[i]) > absTol {
			t.Errorf("%s = %.15g, want %.12g ± %g", name, got[i], table[i], absTol)
		}
		if exact != nil && math.Abs(got[i]-exact[i]) > 1e-12*math.Abs(exact[i]) {
			t.Errorf("%s = %.17g, want exactly %.17g", name, got[i], exact[i])
		}
	}
}

func ptrIf(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}
