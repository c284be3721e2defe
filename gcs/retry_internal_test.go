package gcs

import (
	"net/http"
	"sync/atomic"
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

// TestAttemptBoundCountsFailuresOnly: the SDK consults the error function
// after every request of a resumable upload, with a nil error after a chunk
// that went through; those calls must not use up the upload's attempts (the
// soak saw 15 large Saves fail on one fault after their first chunks).
func TestAttemptBoundCountsFailuresOnly(t *testing.T) {
	var retried atomic.Bool
	f := attemptBound(4, &retried)
	for range 10 {
		if f(nil) {
			t.Fatal("a nil error is retried")
		}
	}
	unavailable := &googleapi.Error{Code: 503}
	for i := 1; i <= 3; i++ {
		if !f(unavailable) {
			t.Fatalf("failure %d of 4 attempts not retried after successful chunks", i)
		}
	}
	if f(unavailable) {
		t.Fatal("the fourth failure is retried")
	}
	if !retried.Load() {
		t.Fatal("retried not recorded")
	}
}
