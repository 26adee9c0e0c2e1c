package dashboards

import (
	"fmt"
	"math"
	"strconv"

	"github.com/peerpulse/peerpulse/dashboards/charts"
)

// Table cells for the dashboards' data tables. Every number carries its exact value and where
// it comes from in the engine's output (see charts.Cell), so a test can hold the page to the
// engine; the rounding below is for reading only.

// exact is the machine-readable form of a number: the shortest text that reads back as it.
func exact(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fewerCell is what a suppressed cell reads.
func fewerCell(minCell int) charts.Cell {
	return charts.Text(fewerText(minCell))
}

func fewerText(minCell int) string { return fmt.Sprintf("fewer than %d responses", minCell) }

// notEstimable is a statistic the engine could not compute (null in the results).
const notEstimable = "not estimable"

// numCell shows v to the given decimals.
func numCell(v *float64, decimals int, ref string) charts.Cell {
	if v == nil {
		return charts.Text(notEstimable)
	}
	return charts.Cell{Text: fmtNum(*v, decimals), Value: exact(*v), Ref: ref}
}

// fmtNum writes v to decimals places with a true minus sign, and no "-0.0".
func fmtNum(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if f, _ := strconv.ParseFloat(s, 64); f == 0 {
		s = strconv.FormatFloat(0, 'f', decimals, 64)
	}
	if len(s) > 0 && s[0] == '-' {
		s = "−" + s[1:]
	}
	return s
}

func intCell(v int, ref string) charts.Cell {
	return charts.Cell{Text: strconv.Itoa(v), Value: strconv.Itoa(v), Ref: ref}
}

func intPtrCell(v *int, ref string) charts.Cell {
	if v == nil {
		return charts.Text(notEstimable)
	}
	return intCell(*v, ref)
}

// shareCell shows a share (0..1) as a whole percentage.
func shareCell(v *float64, ref string) charts.Cell {
	if v == nil {
		return charts.Text(notEstimable)
	}
	return charts.Cell{Text: fmtNum(*v*100, 0) + "%", Value: exact(*v), Ref: ref}
}

// ratio is a share computed from counts the engine gave; nil when the denominator is 0.
func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) / float64(den)
	return &v
}

// pCell shows a p value to 3 significant figures, or "< 0.001".
func pCell(v *float64, ref string) charts.Cell {
	if v == nil {
		return charts.Text(notEstimable)
	}
	text := strconv.FormatFloat(*v, 'g', 3, 64)
	if *v < 0.001 {
		text = "< 0.001"
	}
	return charts.Cell{Text: text, Value: exact(*v), Ref: ref}
}

// ciCell shows a 95% interval; its value is the pair, its refs the two ends, each "lo|hi".
func ciCell(lo, hi *float64, decimals int, ref string) charts.Cell {
	if lo == nil || hi == nil {
		return charts.Text(notEstimable)
	}
	return charts.Cell{Text: fmtNum(*lo, decimals) + " to " + fmtNum(*hi, decimals),
		Value: exact(*lo) + "|" + exact(*hi), Ref: ref + "ci95_low|" + ref + "ci95_high"}
}

// pct is a share as a percentage for a chart (nil stays nil).
func pct(v *float64) *float64 {
	if v == nil {
		return nil
	}
	p := math.Round(*v*1000) / 10
	return &p
}

func ptr(v float64) *float64 { return &v }
