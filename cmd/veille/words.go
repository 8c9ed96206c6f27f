package main

import (
	"fmt"
	"slices"

	"github.com/veille-hq/veille/config"
)

// plural writes n and the word in the form n takes: "1 site", "2 sites",
// "0 sites".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// closest is the candidate nearest to s, at most two edits away and fewer
// than half its length (a longer way is another word), or "" when none is.
// Ties go to the first in sorted order, so the answer does not depend on
// map order.
func closest(s string, candidates []string) string {
	sorted := slices.Sorted(slices.Values(candidates))
	best, bestDist := "", 3
	for _, c := range sorted {
		if d := config.EditDistance(s, c); d < bestDist && 2*d < len(s) {
			best, bestDist = c, d
		}
	}
	return best
}
