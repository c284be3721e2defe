package gcs

import (
	"net/http"
	"testing"

	"google.golang.org/api/googleapi"
)

func TestAttemptParsing(t *testing.T) {
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
