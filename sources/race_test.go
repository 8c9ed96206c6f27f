//go:build race

package sources

// raceEnabled: the race detector inflates allocations, so the memory test
// is skipped under -race.
const raceEnabled = true
