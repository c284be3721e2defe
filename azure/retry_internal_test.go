package azure

import "testing"

func TestMaxRetries(t *testing.T) {
	for _, c := range []struct {
		attempts int
		callers  int32
		want     int32
	}{{0, 0, 3}, {4, 0, 3}, {1, 0, -1}, {6, 2, 5}, {0, 7, 7}, {0, -1, -1}} {
		if got := maxRetries(c.attempts, c.callers); got != c.want {
			t.Errorf("maxRetries(%d, %d) = %d, want %d", c.attempts, c.callers, got, c.want)
		}
	}
}
