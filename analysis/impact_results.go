package analysis

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
)

// Results is the impact analysis in the shape of FORMATS.md ("Results").
type Results struct {
	Programme   string      `json:"programme"`
	GeneratedAt time.Time   `json:"generated_at"`
	MinCell     int         `json:"min_cell"`
	Comparison  string      `json:"comparison"`
	Results     []Row       `json:"results"`
	Pooled      []PooledRow `json:"pooled"`
	// Beyond FORMATS.md: delivery and response figures, and baseline differences of drop-outs.
	Totals   Programme       `json:"totals"`
	Groups   []GroupDelivery `json:"groups"`
	Baseline []Baseline      `json:"baseline"`
	// Spread is the box-plot and dose–response figures the dashboards draw; it is not part of
	// the results JSON of FORMATS.md.
	Spread *Spread `json:"-"`
}

// Row is one measure in one scope. A suppressed row carries only Scope, Key, Measure and
// Suppressed: MarshalJSON writes nothing else, and Analyse clears every other field so that no
// caller can read a number derived from its members either.
type Row struct {
	Scope, Key, Measure string
	Suppressed          bool

	NPre, NPost, NPaired                    int
	MeanPre, MeanPost, MeanChange, SDChange *float64
	CILow, CIHigh, T, DF, PT                *float64
	WilcoxonT                               *float64
	WilcoxonMethod                          *string
	PWilcoxon, DZ, GAv                      *float64
	HasCutoff                               bool
	PrevPre, PrevPost, PMcNemar             *float64
	RCIRecovered, RCIImproved, RCINoChange  *int
	RCIDeteriorated                         *int
	SpearmanRho, PSpearman                  *float64
	PTBH                                    *float64 // group rows only

	// pooling inputs kept out of the JSON: a group enters DerSimonian–Laird when n ≥ 2 and s_d > 0.
	sdPositive bool
}

// PooledRow is the DerSimonian–Laird estimate across groups for one measure.
type PooledRow struct {
	Measure  string   `json:"measure"`
	K        int      `json:"k"`
	Estimate *float64 `json:"estimate"`
	CILow    *float64 `json:"ci95_low"`
	CIHigh   *float64 `json:"ci95_high"`
	Tau2     *float64 `json:"tau2"`
	I2       *float64 `json:"i2"`
	P        *float64 `json:"p"`
}

// field is one JSON member in FORMATS.md order.
type field struct {
	name  string
	value any
}

// MarshalJSON writes the row's members in the order of FORMATS.md: a suppressed row only its
// identity; prevalence and McNemar only for measures with a cut-off; p_t_bh only on group rows.
func (r Row) MarshalJSON() ([]byte, error) {
	fields := []field{{"scope", r.Scope}, {"key", r.Key}, {"measure", r.Measure}, {"suppressed", r.Suppressed}}
	if !r.Suppressed {
		fields = append(fields,
			field{"n_pre", r.NPre}, field{"n_post", r.NPost}, field{"n_paired", r.NPaired},
			field{"mean_pre", r.MeanPre}, field{"mean_post", r.MeanPost}, field{"mean_change", r.MeanChange},
			field{"sd_change", r.SDChange}, field{"ci95_low", r.CILow}, field{"ci95_high", r.CIHigh},
			field{"t", r.T}, field{"df", r.DF}, field{"p_t", r.PT},
			field{"wilcoxon_t", r.WilcoxonT}, field{"wilcoxon_method", r.WilcoxonMethod}, field{"p_wilcoxon", r.PWilcoxon},
			field{"dz", r.DZ}, field{"g_av", r.GAv})
		if r.HasCutoff {
			fields = append(fields, field{"prev_pre", r.PrevPre}, field{"prev_post", r.PrevPost}, field{"p_mcnemar", r.PMcNemar})
		}
		fields = append(fields,
			field{"rci_recovered", r.RCIRecovered}, field{"rci_improved", r.RCIImproved},
			field{"rci_no_change", r.RCINoChange}, field{"rci_deteriorated", r.RCIDeteriorated},
			field{"spearman_rho", r.SpearmanRho}, field{"p_spearman", r.PSpearman})
		if r.Scope == "group" {
			fields = append(fields, field{"p_t_bh", r.PTBH})
		}
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(f.name)
		buf.Write(name)
		buf.WriteByte(':')
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// num keeps a statistic only when it is a finite number: the contract says null, never NaN.
func num(v float64, ok bool) *float64 {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func count(v int) *int { return &v }

// rowJSON mirrors Row's members for decoding, e.g. results fetched from a running server.
type rowJSON struct {
	Scope           string   `json:"scope"`
	Key             string   `json:"key"`
	Measure         string   `json:"measure"`
	Suppressed      bool     `json:"suppressed"`
	NPre            int      `json:"n_pre"`
	NPost           int      `json:"n_post"`
	NPaired         int      `json:"n_paired"`
	MeanPre         *float64 `json:"mean_pre"`
	MeanPost        *float64 `json:"mean_post"`
	MeanChange      *float64 `json:"mean_change"`
	SDChange        *float64 `json:"sd_change"`
	CILow           *float64 `json:"ci95_low"`
	CIHigh          *float64 `json:"ci95_high"`
	T               *float64 `json:"t"`
	DF              *float64 `json:"df"`
	PT              *float64 `json:"p_t"`
	WilcoxonT       *float64 `json:"wilcoxon_t"`
	WilcoxonMethod  *string  `json:"wilcoxon_method"`
	PWilcoxon       *float64 `json:"p_wilcoxon"`
	DZ              *float64 `json:"dz"`
	GAv             *float64 `json:"g_av"`
	PrevPre         *float64 `json:"prev_pre"`
	PrevPost        *float64 `json:"prev_post"`
	PMcNemar        *float64 `json:"p_mcnemar"`
	RCIRecovered    *int     `json:"rci_recovered"`
	RCIImproved     *int     `json:"rci_improved"`
	RCINoChange     *int     `json:"rci_no_change"`
	RCIDeteriorated *int     `json:"rci_deteriorated"`
	SpearmanRho     *float64 `json:"spearman_rho"`
	PSpearman       *float64 `json:"p_spearman"`
	PTBH            *float64 `json:"p_t_bh"`
}

// UnmarshalJSON reads a row written by MarshalJSON.
func (r *Row) UnmarshalJSON(b []byte) error {
	var j rowJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	_, hasCutoff := raw["prev_pre"]
	*r = Row{Scope: j.Scope, Key: j.Key, Measure: j.Measure, Suppressed: j.Suppressed, NPre: j.NPre, NPost: j.NPost,
		NPaired: j.NPaired, MeanPre: j.MeanPre, MeanPost: j.MeanPost, MeanChange: j.MeanChange, SDChange: j.SDChange,
		CILow: j.CILow, CIHigh: j.CIHigh, T: j.T, DF: j.DF, PT: j.PT, WilcoxonT: j.WilcoxonT, WilcoxonMethod: j.WilcoxonMethod,
		PWilcoxon: j.PWilcoxon, DZ: j.DZ, GAv: j.GAv, HasCutoff: hasCutoff, PrevPre: j.PrevPre, PrevPost: j.PrevPost,
		PMcNemar: j.PMcNemar, RCIRecovered: j.RCIRecovered, RCIImproved: j.RCIImproved, RCINoChange: j.RCINoChange,
		RCIDeteriorated: j.RCIDeteriorated, SpearmanRho: j.SpearmanRho, PSpearman: j.PSpearman, PTBH: j.PTBH}
	return nil
}
