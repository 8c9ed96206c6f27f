package sources

import (
	"errors"
	"fmt"
	"io"
)

// tooLargeError is the error of a body over the cap.
type tooLargeError struct{ max int64 }

func (e tooLargeError) Error() string {
	return fmt.Sprintf("body exceeds %d bytes (fetch.max_body)", e.max)
}

// readCapped reads r to the end, failing as soon as more than limit bytes
// come. The buffer starts at the announced length (when within the cap),
// else small, and doubles up to limit: a body that never ends costs at most
// about twice the cap in allocations, and only the cap is live at once.
func readCapped(r io.Reader, limit, announced int64) ([]byte, error) {
	size := int64(32 << 10)
	if announced > 0 {
		size = announced
	}
	buf := make([]byte, 0, max(1, min(size, limit)))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= limit {
				if err := probeEnd(r, limit); err != nil {
					return nil, err
				}
				return buf, nil
			}
			grown := make([]byte, len(buf), min(int64(cap(buf))*2, limit))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// probeEnd checks that r has nothing left once limit bytes were read.
func probeEnd(r io.Reader, limit int64) error {
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return tooLargeError{limit}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
