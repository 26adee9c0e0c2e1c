package workbook

import (
	"fmt"
	"time"
)

// methods writes how the figures were made: the instruments with their citations, the
// statistics, the suppression rule, when and from which data.
func (r *report) methods() error {
	s, err := newSheet(r.f, r.st, sheetMethods, []float64{30, 12, 90, 70}, 1)
	if err != nil {
		return err
	}
	st := r.st
	if err := s.title("Methods"); err != nil {
		return err
	}
	comparison := "baseline (pre) to end of programme (post)"
	if r.res.Comparison == "pre-followup" {
		comparison = "baseline (pre) to follow-up"
	}
	facts := [][2]string{
		{"Programme", r.programme()},
		{"Report", r.kind.String() + " workbook"},
		{"Generated", r.res.GeneratedAt.UTC().Format(time.DateTime) + " UTC"},
		{"Data version", r.meta.version},
		{"Comparison", comparison},
		{"Period", r.periodWords()},
		{"Filters", r.filters()},
		{"Smallest cell shown", fmt.Sprintf("%d people (paired, per figure)", r.res.MinCell)},
	}
	s.skip(1)
	for _, f := range facts {
		if err := s.add(cell(st.header, f[0]), nil, st.str(f[1])); err != nil {
			return err
		}
	}
	s.skip(1)
	if err := s.add(cell(st.heading, "Instruments")); err != nil {
		return err
	}
	if _, err := s.header("Instrument", "Version", "Citation", "Terms of use"); err != nil {
		return err
	}
	for _, in := range r.set.All() {
		if err := s.add(st.str(in.Title), st.str(in.Version), st.str(in.Citation), st.str(in.Licence)); err != nil {
			return err
		}
	}
	for _, section := range []struct {
		heading string
		lines   [][2]string
	}{
		{"Statistics (as INSTRUMENTS.md §5 of peerpulse specifies; an evaluator re-running them in R, SPSS or SciPy gets the same figures)", statisticsText},
		{"Confidentiality", r.confidentialityText()},
	} {
		s.skip(1)
		if err := s.add(cell(st.heading, section.heading)); err != nil {
			return err
		}
		for _, l := range section.lines {
			if err := s.add(st.str(l[0]), nil, st.str(l[1])); err != nil {
				return err
			}
		}
	}
	return s.finish(nil)
}

var statisticsText = [][2]string{
	{"Scores", "CBI scales 0–100 (mean of answered items' points; personal ≥ 3, work ≥ 4, patient ≥ 3 items answered), high burnout ≥ 50. NSS morale 0–10: mean of the leaving, pressure and stressors sub-scores, valid only if all three are."},
	{"Pairing", "A participant is a pseudonymous code within a group. The latest questionnaire at each timepoint counts. The paired sample of a measure is everyone with a valid score at both timepoints; change = after − before."},
	{"Paired t-test", "t = mean change ÷ (SD/√n), n − 1 df, two-sided p; 95% CI of the mean change. Not estimable (blank) when n < 2 or the SD is 0."},
	{"Wilcoxon signed-rank", "Zero changes dropped, average ranks for ties, T = min(R+, R−); exact p when n ≤ 50 without zeros or ties, else the normal approximation with tie correction and no continuity correction."},
	{"Effect sizes", "dz = mean change ÷ SD of change (headline). g_av = J × mean change ÷ mean of the before and after SDs, J = 1 − 3/(4(n − 1) − 1)."},
	{"Prevalence", "Share at or above the cut-off before and after on the paired sample; exact McNemar test on the people who crossed it."},
	{"Reliable change", "Jacobson & Truax (1991): S_diff = SD₁·√2·√(1 − α), with SD₁ the programme's baseline SD and α Cronbach's alpha of the baseline items (unless configured). |change| ≥ 1.96·S_diff is reliable; recovered = reliably improved and crossed the cut-off."},
	{"Dose–response", "Spearman's ρ between sessions attended and change, p from t with n − 2 df."},
	{"Pooling", "DerSimonian–Laird random effects over groups with n ≥ 2 and some variation in change; every group counts, shown or not."},
	{"Multiple comparisons", "Group p values (evaluator workbook) are also given adjusted by Benjamini–Hochberg over the shown groups of each measure."},
	{"Cost", "Facilitator minutes used × the programme's tariff per hour. Cost per participant = cost ÷ people who answered at least once; cost per reliable improvement = cost ÷ people reliably improved (recovered included) in work-related burnout."},
	{"Rounding", "Cells hold the exact values; the formats round for reading (scores 1 decimal, p 3 significant digits, proportions as per cent)."},
}

func (r *report) confidentialityText() [][2]string {
	lines := [][2]string{
		{"Smallest cell", fmt.Sprintf("A figure is shown only when at least %d people are behind it (paired, for the impact statistics). Otherwise the cell reads '%s' and holds no number; nothing else in the row is shown.", r.res.MinCell, r.fewer())},
		{"Complementary suppression", "Within every total (programme, each modality, each region), the withheld groups must together hold no one or at least the smallest cell; otherwise the next-smallest group is withheld too, so no withheld figure can be recovered by subtraction."},
		{"No group breakdown for funders", "Totals that cross-classify (modality × region) could still be combined to narrow down a group, which is why results by group are only in the evaluator workbook."},
		{"Formulas", "No cell in this workbook is a formula. Text from the data (names, regions) is stored as text, so nothing in it can run."},
	}
	if r.kind == evaluator && r.o.Responses {
		lines = append(lines, [2]string{"Responses sheet", fmt.Sprintf("One row per questionnaire, only from groups whose results are shown for every measure (at least %d people, after complementary suppression). Participant codes are replaced by random ids made for this export alone; dates are days, not times; no free-text comments, no response ids.", r.res.MinCell)})
	}
	return lines
}

// dictionary lists every column of every table in the workbook.
func (r *report) dictionary() error {
	const headerRow = 3
	s, err := newSheet(r.f, r.st, sheetDictionary, []float64{30, 30, 90, 22}, headerRow)
	if err != nil {
		return err
	}
	if err := s.title("Data dictionary", "Every column of every table in this workbook."); err != nil {
		return err
	}
	t, err := s.header("Sheet (table)", "Column", "Meaning", "Format")
	if err != nil {
		return err
	}
	for _, d := range r.dict {
		if err := s.add(r.st.str(d.sheet), r.st.str(d.column), r.st.str(d.meaning), r.st.str(d.format)); err != nil {
			return err
		}
	}
	t.lastRow = s.row
	return s.finish(&t)
}
