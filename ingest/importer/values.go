package importer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// parseInt reads a whole number within [lo, hi]; Excel may write whole numbers as "12.0".
func parseInt(s string, lo, hi int) (int, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, fmt.Errorf("is not a whole number")
	}
	if f < float64(lo) || f > float64(hi) {
		return 0, fmt.Errorf("must be between %d and %d", lo, hi)
	}
	return int(f), nil
}

var excelSerial = regexp.MustCompile(`^\d{4,6}(\.\d+)?$`)

// parseTime reads an RFC 3339 / ISO 8601 date-time, a date alone (midnight UTC), a date-time
// without an offset (taken as UTC, INSTRUMENTS.md §4), or an Excel date serial number.
func parseTime(s string) (time.Time, error) {
	if excelSerial.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64)
		t, err := excelize.ExcelDateToTime(f, false)
		if err == nil && t.Year() >= 1990 && t.Year() <= 2200 {
			// Excel serials carry no zone; like any time without an offset they are UTC. Rounding
			// to the second undoes the float error of fractions of a day.
			return t.UTC().Round(time.Second), nil
		}
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
		"2006-01-02 15:04:05Z07:00", time.DateOnly}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("is not a date (use YYYY-MM-DD, or a date-time like 2026-03-02T09:30:00Z)")
}

// parseDate reads a calendar date (a time of day, if given, is dropped).
func parseDate(s string) (time.Time, error) {
	t, err := parseTime(s)
	if err != nil {
		return t, fmt.Errorf("is not a date (use YYYY-MM-DD)")
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// parseBool reads attended: 1/0, yes/no, true/false, any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "yes", "y", "true":
		return true, nil
	case "0", "no", "n", "false":
		return false, nil
	}
	return false, fmt.Errorf("must be 1/0, yes/no or true/false")
}

// normaliseCode keeps participant codes from files and from the web comparable: upper case,
// without spaces or hyphens ("acd-347" and "ACD347" are one person).
func normaliseCode(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r != ' ' && r != '-' && r != '\t' {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// oneOf matches v case-insensitively against allowed and returns the canonical spelling.
func oneOf(v string, allowed []string) (string, bool) {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, true
		}
	}
	return "", false
}
