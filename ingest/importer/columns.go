package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/peerpulse/peerpulse/ingest/tabular"
)

// columns maps a file's header to the columns an import kind knows. Header names match
// case-insensitively after trimming; unknown columns are reported and ignored.
type columns struct {
	index map[string]int // known column → position in the file
}

// readHeader checks a header against the known and required columns of a kind.
func readHeader(kind string, t tabular.Table, known, required []string) (columns, []string, error) {
	c := columns{index: map[string]int{}}
	var warnings []string
	for i, h := range t.Header() {
		name := strings.ToLower(strings.TrimSpace(h))
		if slices.Contains(known, name) {
			c.index[name] = i
			continue
		}
		warnings = append(warnings, fmt.Sprintf("%s file: unknown column %q (column %d) is ignored", kind, h, i+1))
	}
	var missing []string
	for _, r := range required {
		if _, ok := c.index[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return c, warnings, fmt.Errorf("%s file: missing required column(s) %s", kind, strings.Join(missing, ", "))
	}
	return c, warnings, nil
}

// get returns a row's trimmed value in column name ("" when the file has no such column).
func (c columns) get(row tabular.Row, name string) string {
	i, ok := c.index[name]
	if !ok || i >= len(row.Cells) {
		return ""
	}
	return strings.TrimSpace(row.Cells[i])
}

// rowErrors collects the rejects of one row; the row is refused when any was added.
type rowErrors struct {
	kind string
	row  int
	list []Reject
}

func (e *rowErrors) add(column, value, format string, args ...any) {
	e.list = append(e.list, Reject{File: e.kind, Row: e.row, Column: column, Value: value, Reason: fmt.Sprintf(format, args...)})
}

func (e *rowErrors) ok() bool { return len(e.list) == 0 }
