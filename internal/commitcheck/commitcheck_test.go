package commitcheck

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUnknown(t *testing.T) {
	failed := errors.New("commit failed")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name    string
		ctx     context.Context
		err     error
		status  int
		retried bool
		want    bool
	}{
		{"success", context.Background(), nil, 0, false, false},
		{"context ended", done, failed, 0, true, false},
		{"no answer", context.Background(), failed, 0, false, true},
		{"success cut short", context.Background(), failed, 200, false, true},
		{"server error", context.Background(), failed, 500, false, true},
		{"unavailable", context.Background(), failed, 503, false, true},
		{"taken at the first attempt", context.Background(), failed, 412, false, false},
		{"taken after a retry", context.Background(), failed, 412, true, true},
		{"azure conflict after a retry", context.Background(), failed, 409, true, true},
		{"azure conflict", context.Background(), failed, 409, false, false},
		{"upload gone after a retry", context.Background(), failed, 404, true, true},
		{"bucket missing", context.Background(), failed, 404, false, false},
		{"refused", context.Background(), failed, 403, true, false},
		{"bad request", context.Background(), failed, 400, true, false},
		{"throttled to the end", context.Background(), failed, 429, true, false},
	} {
		if got := Unknown(c.ctx, c.err, c.status, c.retried); got != c.want {
			t.Errorf("%s: Unknown(status %d, retried %v) = %v, want %v", c.name, c.status, c.retried, got, c.want)
		}
	}
}

func TestSince(t *testing.T) {
	start := time.Date(2026, 11, 29, 16, 0, 0, 700e6, time.UTC)
	for _, c := range []struct {
		modified time.Time
		want     bool
	}{
		{start, true},
		{start.Add(time.Minute), true},
		// A service with whole seconds and a clock a little behind.
		{time.Date(2026, 11, 29, 15, 59, 59, 0, time.UTC), true},
		{time.Date(2026, 11, 29, 15, 59, 58, 999e6, time.UTC), false},
		{start.Add(-time.Hour), false},
	} {
		if got := Since(c.modified, start); got != c.want {
			t.Errorf("Since(%v, %v) = %v, want %v", c.modified, start, got, c.want)
		}
	}
}
