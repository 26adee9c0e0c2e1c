// Package workbook builds the funder and evaluator Excel reports with excelize. Every figure in
// them comes from analysis.Run for the same options, already under disclosure control: this
// package formats and arranges, it never computes a statistic. Strings are written as text
// (never formulas), so names or answers that begin with =, +, - or @ stay inert; every sheet is
// written with excelize's StreamWriter, so memory stays flat however large the programme.
package workbook
