// Package analysis computes the impact statistics of INSTRUMENTS.md §5 over SQL aggregates and
// applies disclosure control (§6) before any number leaves it. It renders nothing.
package analysis
