// Package backoff holds what the cloud drivers' retries share: reading a
// Retry-After header and waiting within a context.
package backoff

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// RetryAfter parses a Retry-After value (delay seconds or an HTTP date,
// RFC 9110 section 10.2.3) relative to now; false when v is absent or
// malformed. A date in the past is a zero delay.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Sleep waits d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
