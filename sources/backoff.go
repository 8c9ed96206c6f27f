package sources

import "time"

const (
	baseBackoff = 30 * time.Minute
	maxBackoff  = 24 * time.Hour
)

// backoff is how long a source waits after its n-th consecutive failure:
// 30 min, doubling, at most 24 h.
func backoff(n int) time.Duration {
	d := baseBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
