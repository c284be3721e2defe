package gcs

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"2": 2 * time.Second, "0": 0, now.Add(5 * time.Second).Format(http.TimeFormat): 5 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat): 0,
	} {
		if got, ok := retryAfter(v, now); !ok || got != want {
			t.Errorf("retryAfter(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "-1", "soon"} {
		if _, ok := retryAfter(v, now); ok {
			t.Errorf("retryAfter(%q) accepted", v)
		}
	}
	for v, want := range map[string]int{"gl-go/1.26 gccl-invocation-id/x gccl-attempt-count/3 gccl/1.70.0": 3, "gl-go/1.26": 1, "": 1} {
		if got := attempt(v); got != want {
			t.Errorf("attempt(%q) = %d, want %d", v, got, want)
		}
	}
}

func TestShouldRetry(t *testing.T) {
	for code, want := range map[int]bool{408: true, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true, 505: false, 400: false, 404: false} {
		if got := shouldRetry(&googleapi.Error{Code: code}); got != want {
			t.Errorf("shouldRetry(%d) = %v", code, got)
		}
	}
	final := &googleapi.Error{Code: 429, Header: http.Header{finalHeader: {"x"}}}
	if shouldRetry(final) {
		t.Error("a final answer is retried")
	}
}
