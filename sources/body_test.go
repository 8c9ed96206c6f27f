package sources

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCapped(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		limit     int64
		announced int64
		tooLarge  bool
	}{
		{"empty", "", 10, 0, false},
		{"under", "hello", 10, 0, false},
		{"exactly the cap", "0123456789", 10, 0, false},
		{"exactly the cap, announced", "0123456789", 10, 10, false},
		{"one over", "0123456789x", 10, 0, true},
		{"announced length lies low", "0123456789x", 10, 3, true},
		{"announced length lies high", "abc", 10, 1 << 40, false},
		{"many doublings", strings.Repeat("a", 100<<10), 1 << 20, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCapped(iotest.HalfReader(strings.NewReader(tt.body)), tt.limit, tt.announced)
			var tl tooLargeError
			if tt.tooLarge != errors.As(err, &tl) {
				t.Fatalf("err = %v, want too large %v", err, tt.tooLarge)
			}
			if !tt.tooLarge && !bytes.Equal(got, []byte(tt.body)) {
				t.Errorf("read %d bytes, want %d", len(got), len(tt.body))
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		if _, err := readCapped(iotest.ErrReader(errors.New("reset")), 10, 0); err == nil || err.Error() != "reset" {
			t.Errorf("err = %v", err)
		}
	})
}
