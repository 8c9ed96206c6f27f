package watcher

import "testing"

// gatherBatch takes what waits, up to writeBatch; a short batch waits for
// more only while the channel is open, and ends with what it has.
func TestGatherBatch(t *testing.T) {
	tests := []struct {
		name    string
		waiting int
		closed  bool
		want    int
	}{
		{"many waiting: a full batch", writeBatch + 10, false, writeBatch},
		{"fullBatch waiting: no wait for more", fullBatch, false, fullBatch},
		{"a few, more to come: what came within the wait", 3, false, 3},
		{"a few, fetches over", 3, true, 3},
		{"none left, fetches over", 0, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := make(chan fetched, tt.waiting)
			for range tt.waiting {
				results <- fetched{}
			}
			if tt.closed {
				close(results)
			}
			if got := len(gatherBatch(results, nil)); got != tt.want {
				t.Errorf("batch of %d, want %d", got, tt.want)
			}
			if left := len(results); left != max(0, tt.waiting-writeBatch) {
				t.Errorf("%d results left waiting", left)
			}
		})
	}
}
