package analysis

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints the results for a terminal: one line per row, suppressed rows as "fewer
// than N", numbers rounded for reading (the JSON keeps full precision).
func WriteTable(w io.Writer, r *Results) error {
	fmt.Fprintf(w, "%s — %s, cells of at least %d, generated %s\n\n", r.Programme, r.Comparison, r.MinCell, r.GeneratedAt.Format("2006-01-02 15:04 MST"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scope\tkey\tmeasure\tn paired\tbefore\tafter\tchange\t95% CI\tp (t)\tdz\timproved*\tworse*\t")
	for _, row := range r.Results {
		if row.Suppressed {
			fmt.Fprintf(tw, "%s\t%s\t%s\tfewer than %d\t\t\t\t\t\t\t\t\t\n", row.Scope, row.Key, row.Measure, r.MinCell)
			continue
		}
		improved, worse := "–", "–"
		if row.RCIImproved != nil && row.NPaired > 0 {
			rec := 0
			if row.RCIRecovered != nil {
				rec = *row.RCIRecovered
			}
			improved = fmt.Sprintf("%.0f%%", 100*float64(*row.RCIImproved+rec)/float64(row.NPaired))
			worse = fmt.Sprintf("%.0f%%", 100*float64(*row.RCIDeteriorated)/float64(row.NPaired))
		}
		ci := "–"
		if row.CILow != nil {
			ci = fmt.Sprintf("%.1f to %.1f", *row.CILow, *row.CIHigh)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", row.Scope, row.Key, row.Measure, row.NPaired,
			f1(row.MeanPre), f1(row.MeanPost), f1(row.MeanChange), ci, p3(row.PT), f2(row.DZ), improved, worse)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n* reliable change (Jacobson & Truax): improved includes recovered. CBI: lower is better; morale: higher is better.")
	fmt.Fprintln(w, "\nPooled across groups (DerSimonian–Laird):")
	for _, p := range r.Pooled {
		if p.Estimate == nil {
			fmt.Fprintf(w, "  %-17s k=%d, not estimable\n", p.Measure, p.K)
			continue
		}
		fmt.Fprintf(w, "  %-17s k=%d, %s (%s to %s), τ²=%s, I²=%s, p=%s\n", p.Measure, p.K, f1(p.Estimate), f1(p.CILow), f1(p.CIHigh), f2(p.Tau2), pct(p.I2), p3(p.P))
	}
	return nil
}

func f1(v *float64) string { return fmtOr(v, "%.1f") }
func f2(v *float64) string { return fmtOr(v, "%.2f") }
func p3(v *float64) string { return fmtOr(v, "%.3g") }

func pct(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100**v)
}

func fmtOr(v *float64, format string) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf(format, *v)
}
