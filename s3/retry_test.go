package s3_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/faultproxy"
	"github.com/go-storages/storage/s3"
)

// faulted returns a storage on a fresh bucket whose requests pass through a
// proxy injecting kind into the first n requests that match.
func faulted(t *testing.T, kind faultproxy.Kind, n int32, match func(*http.Request) bool, attempts int) (*storage.Storage, *faultproxy.Proxy) {
	t.Helper()
	bucket := newBucket(t, false)
	cfg := config(t, bucket)
	var left atomic.Int32
	left.Store(n)
	p, err := faultproxy.New(faultproxy.Config{Target: cfg.Endpoint, Rate: 1, Kinds: []faultproxy.Kind{kind}, Dialect: faultproxy.S3,
		RetryAfter: time.Second, Skip: func(r *http.Request) bool { return !match(r) || left.Add(-1) < 0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cfg.Endpoint, cfg.MaxAttempts = p.URL, attempts
	return newStorage(t, cfg), p
}

func isHead(r *http.Request) bool { return r.Method == http.MethodHead }

// Every request gets DefaultMaxAttempts attempts, honouring Retry-After:
// three 503s with Retry-After: 1 are outlived, four are not.
func TestRetriesWithinBudget(t *testing.T) {
	for _, c := range []struct {
		faults int32
		ok     bool
	}{{3, true}, {4, false}} {
		st, p := faulted(t, faultproxy.Status503RetryAfter, c.faults, isHead, 0)
		if _, err := st.Save(t.Context(), "a.txt", strings.NewReader("a"), storage.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		before := p.Requests()
		start := time.Now()
		_, err := st.Stat(t.Context(), "a.txt")
		if (err == nil) != c.ok {
			t.Fatalf("%d faults: Stat error %v, want success %v", c.faults, err, c.ok)
		}
		if got := p.Requests() - before; got != int64(min(c.faults+1, s3.DefaultMaxAttempts)) {
			t.Fatalf("%d faults: %d requests, want %d", c.faults, got, min(c.faults+1, s3.DefaultMaxAttempts))
		}
		// Retry-After asked for a second before each retry.
		if waited := time.Since(start); waited < time.Duration(min(c.faults, s3.DefaultMaxAttempts-1))*time.Second {
			t.Fatalf("%d faults: retried after %v in all, less than Retry-After asked", c.faults, waited)
		}
	}
}

// A 200 response cut short is retried (the SDK alone gives up on it).
func TestRetriesTruncatedResponse(t *testing.T) {
	st, p := faulted(t, faultproxy.Truncate, 1, func(r *http.Request) bool {
		return r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2"
	}, 0)
	ctx := t.Context()
	for i := range 30 {
		if _, err := st.Save(ctx, "d/"+strings.Repeat("x", 100)+itoa(int64(i)), strings.NewReader("x"), storage.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, err := range st.List(ctx, "d/", storage.ListOptions{}) {
		if err != nil {
			t.Fatalf("List through a cut-short response: %v", err)
		}
		n++
	}
	if n != 30 || p.Counts()[faultproxy.Truncate] != 1 {
		t.Fatalf("listed %d (want 30), truncations %v", n, p.Counts())
	}
}

// A download whose connection breaks mid-body is resumed by the Reader.
func TestReaderResumesThroughFaults(t *testing.T) {
	for _, kind := range []faultproxy.Kind{faultproxy.ResetResponse, faultproxy.Truncate} {
		for _, size := range []int{100 << 10, 3 << 20} {
			st, p := faulted(t, kind, 1, func(r *http.Request) bool { return r.Method == http.MethodGet }, 0)
			data := []byte(strings.Repeat("0123456789abcdef", size/16))
			if _, err := st.Save(t.Context(), "big.bin", strings.NewReader(string(data)), storage.SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, writeTo := range []bool{false, true} {
				r, err := st.Open(t.Context(), "big.bin")
				if err != nil {
					t.Fatal(err)
				}
				var got []byte
				if writeTo {
					var b strings.Builder
					_, err = r.WriteTo(&b)
					got = []byte(b.String())
				} else {
					got, err = io.ReadAll(r)
				}
				r.Close()
				if err != nil || string(got) != string(data) {
					t.Fatalf("%v, %d bytes, WriteTo %v: read %d bytes, %v (faults %v)", kind, size, writeTo, len(got), err, p.Counts())
				}
			}
		}
	}
}
