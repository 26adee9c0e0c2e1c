package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Reject is one refused row: where it is and why, in words a programme office can act on.
type Reject struct {
	File   string // the kind of file: groups, sessions, attendance or responses
	Row    int    // spreadsheet row number: the header is row 1
	Column string
	Value  string
	Reason string
}

// Summary counts one file's rows.
type Summary struct {
	Kind       string
	Path       string
	Read       int // data rows read (blank rows are not counted)
	Imported   int // rows written (or that would be, in a dry run)
	Duplicates int // rows already stored with the same content, skipped
	Rejected   int // rows refused
}

// Result is what an import did, or would do in a dry run.
type Result struct {
	Summaries []Summary
	Rejects   []Reject
	Warnings  []string // e.g. unknown columns, which are ignored
	Written   bool     // false when nothing was written (dry run, rejects without --partial, or nothing new)
	DryRun    bool
	Elapsed   time.Duration
}

// WriteReport prints the summary and every reject for a person to read.
func (r *Result) WriteReport(w io.Writer) {
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, s := range r.Summaries {
		fmt.Fprintf(w, "%-10s %s: %d rows read, %d new, %d already stored (skipped), %d rejected\n",
			s.Kind, s.Path, s.Read, s.Imported, s.Duplicates, s.Rejected)
	}
	if len(r.Rejects) > 0 {
		fmt.Fprintf(w, "\nRejected rows (%d):\n", len(r.Rejects))
		for i, rej := range r.Rejects {
			if i == 200 {
				fmt.Fprintf(w, "  … and %d more (write them all with --rejects FILE)\n", len(r.Rejects)-200)
				break
			}
			fmt.Fprintf(w, "  %s row %d, %s = %q: %s\n", rej.File, rej.Row, rej.Column, rej.Value, rej.Reason)
		}
	}
	switch {
	case r.Written:
		fmt.Fprintf(w, "\nImported in %s.\n", r.Elapsed.Round(time.Millisecond))
	case r.DryRun:
		fmt.Fprintf(w, "\nDry run: nothing was written.\n")
	case len(r.Rejects) > 0:
		fmt.Fprintf(w, "\nNothing was written. Correct the rows above, or import the valid rows with --partial.\n")
	default:
		fmt.Fprintf(w, "\nNothing new to import: every row is already stored.\n")
	}
}

// WriteRejectsCSV writes the rejects as CSV for correcting in a spreadsheet. Values that a
// spreadsheet would run as a formula are prefixed with ' so that they stay inert.
func WriteRejectsCSV(w io.Writer, rejects []Reject) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "row", "column", "value", "reason"}); err != nil {
		return err
	}
	for _, r := range rejects {
		if err := cw.Write([]string{r.File, strconv.Itoa(r.Row), inert(r.Column), inert(r.Value), inert(r.Reason)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// inert keeps text that starts like a formula from running when a spreadsheet opens the file.
func inert(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
