// Package importer brings programme records and responses in from CSV and XLSX files (FORMATS.md):
// it validates every row before anything is written, reports each reject with its row, column,
// value and reason, and writes all valid rows in one transaction — or, by default, nothing at all
// when any row is rejected. Re-importing the same file adds nothing.
package importer
