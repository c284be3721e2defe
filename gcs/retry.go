package gcs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gcs "cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	htransport "google.golang.org/api/transport/http"

	"github.com/go-storages/storage/internal/backoff"
)

// The SDK (cloud.google.com/go/storage v1.70) retries with its own backoff
// and ignores Retry-After, and its single-request (multipart) uploads ignore
// WithMaxAttempts: a 5xx that persists is retried until the context ends.
// The driver corrects both without adding a retry layer of its own:
//
//   - retryTransport, under the SDK's HTTP client, waits out the
//     Retry-After of a 429 or 503 before the SDK sees the answer (so the
//     SDK's next attempt comes no sooner than the service asked), within
//     the request's context; when the context's deadline comes sooner, it
//     marks the answer final instead (no attempt is wasted on a wait that
//     cannot end in time).
//   - shouldRetry, the SDK's retry decision for every call, refuses final
//     answers and statuses that do not pass (501, 505, ...); the upload's
//     decision also counts its attempts (see attemptBound).

// finalHeader marks an answer that must not be retried (set by
// retryTransport on the response headers, which googleapi.Error keeps).
const finalHeader = "X-Gost-Final-Attempt"

// maxErrorBody bounds the error body retryTransport keeps while it waits.
const maxErrorBody = 64 << 10

// retryTransport honours Retry-After under the SDK (see above).
type retryTransport struct {
	next        http.RoundTripper
	maxAttempts int
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return resp, err
	}
	wait, ok := backoff.RetryAfter(resp.Header.Get("Retry-After"), t.now())
	if !ok {
		return resp, nil
	}
	if attempt(r.Header.Get("X-Goog-Api-Client")) >= t.maxAttempts {
		return resp, nil // the last attempt: nothing to wait for
	}
	if dl, ok := r.Context().Deadline(); ok && dl.Sub(t.now()) < wait {
		resp.Header.Set(finalHeader, "retry-after beyond the deadline")
		return resp, nil
	}
	// Keep the (small) error body and free the connection while waiting.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := t.sleep(r.Context(), wait); err != nil {
		return nil, err
	}
	return resp, nil
}

// attempt is the attempt number the SDK puts in x-goog-api-client
// ("gccl-attempt-count/N"); 1 when absent.
func attempt(v string) int {
	const key = "gccl-attempt-count/"
	i := strings.Index(v, key)
	if i < 0 {
		return 1
	}
	v = v[i+len(key):]
	j := 0
	for j < len(v) && v[j] >= '0' && v[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(v[:j])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// shouldRetry is the SDK's decision (gcs.ShouldRetry: 408, 429, 5xx,
// broken connections) without the answers that cannot pass by retrying: a
// status other than 408, 429, 500, 502, 503, 504, and an answer
// retryTransport marked final.
func shouldRetry(err error) bool {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		if ge.Header.Get(finalHeader) != "" {
			return false
		}
		switch ge.Code {
		case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return gcs.ShouldRetry(err)
}

// attemptBound is shouldRetry for one call that counts its own attempts,
// for the calls whose retries the SDK does not bound (single-request
// uploads): after max attempts it answers no. retried records that a retry
// happened.
func attemptBound(max int, retried *atomic.Bool) func(error) bool {
	var failed atomic.Int32
	return func(err error) bool {
		// The SDK asks after every request of a resumable upload, also
		// with a nil error after a chunk went through: only failures count.
		if err == nil || int(failed.Add(1)) >= max || !shouldRetry(err) {
			return false
		}
		retried.Store(true)
		return true
	}
}

// httpClientOption returns the SDK client's HTTP client with retryTransport
// under it: the client the SDK would make from opts (authenticated, or the
// one opts give), its transport wrapped.
func httpClientOption(ctx context.Context, opts []option.ClientOption, maxAttempts int) (option.ClientOption, error) {
	c, _, err := htransport.NewClient(ctx, append([]option.ClientOption{option.WithScopes(gcs.ScopeFullControl)}, opts...)...)
	if err != nil {
		return nil, err
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	rt := &retryTransport{next: next, maxAttempts: maxAttempts, now: time.Now, sleep: backoff.Sleep}
	wrapped := *c
	wrapped.Transport = rt
	return option.WithHTTPClient(&wrapped), nil
}
