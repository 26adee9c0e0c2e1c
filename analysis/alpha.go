package analysis

import "gonum.org/v1/gonum/stat"

// CronbachAlpha returns k/(k−1)·(1 − Σ item variances / variance of the row sums) over complete
// rows (one row per respondent, one column per item, points after reversal). It reports false
// when α is not estimable: fewer than two items or two rows, ragged rows, or a constant total.
func CronbachAlpha(rows [][]float64) (float64, bool) {
	if len(rows) < 2 || len(rows[0]) < 2 {
		return 0, false
	}
	k := len(rows[0])
	column := make([]float64, len(rows))
	totals := make([]float64, len(rows))
	itemVar := 0.0
	for j := 0; j < k; j++ {
		for i, row := range rows {
			if len(row) != k {
				return 0, false
			}
			column[i] = row[j]
			totals[i] += row[j]
		}
		itemVar += stat.Variance(column, nil)
	}
	totalVar := stat.Variance(totals, nil)
	if totalVar == 0 {
		return 0, false
	}
	return alphaFrom(k, itemVar, totalVar), true
}

// alphaFrom is Cronbach's α from k items, the sum of their variances and the variance of their
// total. CronbachAlpha, the reliability behind RCI and the data-quality view all use it, so the
// three agree to the bit.
func alphaFrom(k int, itemVar, totalVar float64) float64 {
	kf := float64(k)
	return kf / (kf - 1) * (1 - itemVar/totalVar)
}
