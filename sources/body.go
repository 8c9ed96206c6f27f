package sources

import (
	"fmt"
	"io"
)

// errTooLarge is wrapped in the error of a body over the cap.
type tooLargeError struct{ max int64 }

func (e tooLargeError) Error() string {
	return fmt.Sprintf("body exceeds %d bytes (fetch.max_body)", e.max)
}

// readCapped reads r to the end, failing once more than max bytes came.
// It allocates at most about twice what it keeps: the buffer starts at the
// announced length (when within the cap) and doubles, never past max+1.
func readCapped(r io.Reader, max, announced int64) ([]byte, error) {
	size := int64(32 << 10)
	if announced > 0 {
		size = announced + 1
	}
	size = min(size, max+1)
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > max {
				return nil, tooLargeError{max}
			}
			next := min(int64(cap(buf))*2, max+1)
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLargeError{max}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
