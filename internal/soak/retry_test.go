package soak_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gost "github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/faultproxy"
)

// requestLog records the times of the requests for one object that reach
// the proxy, and decides which of them get the proxy's fault.
type requestLog struct {
	mu      sync.Mutex
	times   []time.Time
	methods []string
	armed   bool
	first   bool // fault only the first request once armed
}

func (l *requestLog) skip(r *http.Request) bool {
	if !strings.Contains(r.URL.Path, "retry/obj") && !strings.Contains(r.URL.RawQuery, "retry%2Fobj") {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.armed {
		return true
	}
	l.times = append(l.times, time.Now())
	l.methods = append(l.methods, r.Method)
	return l.first && len(l.times) > 1
}

func (l *requestLog) arm(first bool) {
	l.mu.Lock()
	l.armed, l.first, l.times, l.methods = true, first, nil, nil
	l.mu.Unlock()
}

// writes counts the requests that carried the object's bytes (PUT, POST).
func (l *requestLog) writes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.methods {
		if m == http.MethodPut || m == http.MethodPost {
			n++
		}
	}
	return n
}

func (l *requestLog) get() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.times...)
}

// TestRetries checks each cloud driver's retries through the fault proxy,
// against the emulators: a 429 or 503 with Retry-After is retried no sooner
// than it says (GCS's SDK ignores Retry-After: the driver waits under it),
// for reads and for uploads; a 5xx that persists gets exactly
// DefaultMaxAttempts (4) attempts on every driver, uploads included (GCS's
// SDK retried single-request uploads without bound); and a Retry-After
// beyond the operation's deadline is not waited for in vain.
func TestRetries(t *testing.T) {
	const retryAfter = 2 * time.Second
	for _, bk := range []struct {
		name string
		b    func(*testing.T) *backend
	}{{"s3", s3Backend}, {"gcs", gcsBackend}, {"azure", azureBackend}} {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.b(t)
			for _, kind := range []faultproxy.Kind{faultproxy.Status429RetryAfter, faultproxy.Status503RetryAfter} {
				for _, op := range []string{"stat", "save"} {
					t.Run("retry-after/"+kind.String()+"/"+op, func(t *testing.T) {
						log := &requestLog{}
						p := newProxy(t, b, faultproxy.Config{Rate: 1, Kinds: []faultproxy.Kind{kind}, RetryAfter: retryAfter, Skip: log.skip})
						defer p.Close()
						st := b.build(t, p.URL, nil)
						defer st.Close()
						save(t, st)
						log.arm(true)
						if op == "stat" {
							if _, err := st.Stat(t.Context(), "retry/obj"); err != nil {
								t.Fatalf("Stat: %v", err)
							}
						} else {
							save(t, st)
						}
						ts := log.get()
						if len(ts) != 2 {
							t.Fatalf("%d requests, want the faulted one and one retry", len(ts))
						}
						if gap := ts[1].Sub(ts[0]); gap < retryAfter {
							t.Fatalf("retried after %v, before the Retry-After of %v", gap, retryAfter)
						}
					})
				}
			}
			for _, op := range []string{"stat", "save"} {
				t.Run("attempts/"+op, func(t *testing.T) {
					log := &requestLog{}
					p := newProxy(t, b, faultproxy.Config{Rate: 1, Kinds: []faultproxy.Kind{faultproxy.Status503}, Skip: log.skip})
					defer p.Close()
					st := b.build(t, p.URL, nil)
					defer st.Close()
					save(t, st)
					log.arm(false)
					var err error
					if op == "stat" {
						_, err = st.Stat(t.Context(), "retry/obj")
					} else {
						_, err = st.Save(t.Context(), "retry/obj", strings.NewReader("again"), gost.SaveOptions{Conflict: gost.Overwrite})
					}
					if err == nil {
						t.Fatal("no error from a service that answers 503 every time")
					}
					// A failed upload's outcome is then checked with a read
					// of the object (itself retried): count the uploads.
					n := len(log.get())
					if op == "save" {
						n = log.writes()
					}
					if n != 4 {
						t.Fatalf("%d attempts, want 4 (the default on every driver): %v", n, err)
					}
				})
			}
			t.Run("retry-after-beyond-deadline", func(t *testing.T) {
				log := &requestLog{}
				p := newProxy(t, b, faultproxy.Config{Rate: 1, Kinds: []faultproxy.Kind{faultproxy.Status429RetryAfter}, RetryAfter: 30 * time.Second, Skip: log.skip})
				defer p.Close()
				st := b.build(t, p.URL, nil)
				defer st.Close()
				save(t, st)
				log.arm(false)
				ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
				defer cancel()
				if _, err := st.Stat(ctx, "retry/obj"); err == nil {
					t.Fatal("Stat succeeded through a 429 on every attempt")
				}
				if n := len(log.get()); n != 1 {
					t.Fatalf("%d attempts, want 1: the Retry-After (30s) ends after the deadline (2s)", n)
				}
			})
		})
	}
}

func save(t *testing.T, st *gost.Storage) {
	t.Helper()
	if _, err := st.Save(t.Context(), "retry/obj", strings.NewReader("retry me"), gost.SaveOptions{Conflict: gost.Overwrite}); err != nil {
		t.Fatalf("Save: %v", err)
	}
}
