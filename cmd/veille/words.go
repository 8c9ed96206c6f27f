package main

import (
	"fmt"
	"slices"
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
		if d := levenshtein(s, c); d < bestDist && 2*d < len(s) {
			best, bestDist = c, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b, in bytes: command
// names are ASCII.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
