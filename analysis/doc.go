// Package analysis computes the impact statistics of INSTRUMENTS.md §5 and applies disclosure
// control (§6) before any number leaves it. DuckDB applies the counting rule and returns one row
// per participant; every statistic is computed in Go from those rows. It renders nothing.
package analysis
