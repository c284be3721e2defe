package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

var body = func() []byte {
	b := make([]byte, 100<<10)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

type upstream struct {
	*httptest.Server
	hits     atomic.Int64
	lastHost atomic.Value
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		u.lastHost.Store(r.Host)
		switch r.Method {
		case http.MethodPut:
			n, _ := io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Length", "0")
			w.Header().Set("X-Got", strconv.FormatInt(n, 10))
		default:
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			if r.Method == http.MethodGet {
				_, _ = w.Write(body)
			}
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func newProxy(t *testing.T, u *upstream, cfg Config) *Proxy {
	t.Helper()
	cfg.Target = u.URL
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// client never reuses connections, so the transport's own retry of a
// request on a reused connection cannot hide a fault.
func client(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func get(t *testing.T, c *http.Client, method, url string, reqBody []byte) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(reqBody))
	if reqBody == nil {
		req.Body = nil
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFaults(t *testing.T) {
	c := client(t)
	for _, tc := range []struct {
		kind   Kind
		method string
		check  func(t *testing.T, resp *http.Response, b []byte, err error, hits int64)
	}{
		{ResetRequest, http.MethodPut, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err == nil || hits != 0 {
				t.Fatalf("err %v, upstream hits %d: want an error and no request upstream", err, hits)
			}
		}},
		{ResetRequest, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err == nil || hits != 0 {
				t.Fatalf("err %v, upstream hits %d", err, hits)
			}
		}},
		{ResetResponse, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err == nil || hits != 1 || len(b) >= len(body) {
				t.Fatalf("err %v, %d bytes, hits %d: want an error after the request went upstream", err, len(b), hits)
			}
		}},
		{ResetResponse, http.MethodPut, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err == nil || hits != 1 {
				t.Fatalf("err %v, hits %d: want an error after the request went upstream", err, hits)
			}
		}},
		{Status503RetryAfter, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || hits != 0 ||
				!bytes.Contains(b, []byte("<Code>SlowDown</Code>")) {
				t.Fatalf("err %v resp %v body %q hits %d", err, resp, b, hits)
			}
		}},
		{Status429, http.MethodHead, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "" || hits != 0 {
				t.Fatalf("err %v resp %v hits %d", err, resp, hits)
			}
		}},
		{Latency, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err != nil || !bytes.Equal(b, body) {
				t.Fatalf("err %v, %d bytes", err, len(b))
			}
		}},
		{Stall, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err == nil || len(b) >= len(body) {
				t.Fatalf("err %v, %d bytes", err, len(b))
			}
		}},
		{Truncate, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || len(b) >= len(body) || !bytes.Equal(b, body[:len(b)]) {
				t.Fatalf("err %v, %d bytes: want a clean prefix then unexpected EOF", err, len(b))
			}
		}},
		{Trickle, http.MethodGet, func(t *testing.T, resp *http.Response, b []byte, err error, hits int64) {
			if err != nil || !bytes.Equal(b, body) {
				t.Fatalf("err %v, %d bytes", err, len(b))
			}
		}},
	} {
		t.Run(tc.kind.String()+"/"+tc.method, func(t *testing.T) {
			u := newUpstream(t)
			p := newProxy(t, u, Config{Seed: 1, Rate: 1, Kinds: []Kind{tc.kind}, Dialect: S3, StallFor: 50 * time.Millisecond, Latency: 10 * time.Millisecond})
			var reqBody []byte
			if tc.method == http.MethodPut {
				reqBody = body
			}
			resp, b, err := get(t, c, tc.method, p.URL+"/obj", reqBody)
			tc.check(t, resp, b, err, u.hits.Load())
			if got := p.Counts()[tc.kind]; got != 1 {
				t.Fatalf("counted %d %v faults, want 1", got, tc.kind)
			}
		})
	}
}

func TestNoFaultForwardsExactly(t *testing.T) {
	u := newUpstream(t)
	p := newProxy(t, u, Config{Seed: 1, Rate: 0})
	c := client(t)
	resp, b, err := get(t, c, http.MethodGet, p.URL+"/a%20b/c?x=1", nil)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(b, body) {
		t.Fatalf("err %v, %d bytes", err, len(b))
	}
	if h := u.lastHost.Load(); h != p.URL[len("http://"):] {
		t.Fatalf("upstream saw Host %v, want the proxy's %s (signatures cover it)", h, p.URL)
	}
	resp, _, err = get(t, c, http.MethodPut, p.URL+"/x", body)
	if err != nil || resp.Header.Get("X-Got") != strconv.Itoa(len(body)) {
		t.Fatalf("PUT: %v %v", err, resp)
	}
	if len(p.Counts()) != 0 || p.Requests() != 2 {
		t.Fatalf("counts %v, requests %d", p.Counts(), p.Requests())
	}
}

// TestSeedReplays: the same seed gives the same fault to the same request
// number.
func TestSeedReplays(t *testing.T) {
	run := func(seed uint64) map[Kind]int64 {
		u := newUpstream(t)
		p := newProxy(t, u, Config{Seed: seed, Rate: 0.5, StallFor: time.Millisecond, Latency: time.Millisecond, RetryAfter: time.Millisecond})
		c := client(t)
		for range 60 {
			_, _, _ = get(t, c, http.MethodGet, p.URL+"/obj", nil)
		}
		return p.Counts()
	}
	a, b := run(42), run(42)
	if len(a) < 3 {
		t.Fatalf("only %v faults in 60 requests at rate 0.5", a)
	}
	for k := range numKinds {
		if a[k] != b[k] {
			t.Fatalf("seed 42 gave %v then %v", a, b)
		}
	}
}

// A seed replays the same faults at any concurrency: each request's draw
// depends on its identity (scope or path, method, stable parameters) and
// on how many requests of that identity came before, not on the order in
// which requests from different goroutines arrive; volatile parameters
// (upload IDs) do not count, nor do the names of a scoped request (a
// Rename picks them at random).
func TestReplayAtAnyConcurrency(t *testing.T) {
	u := newUpstream(t)
	kinds := []Kind{Status500, Status503, Status429}
	// outcomes runs 24 clients of 4 requests each, on paths or, for half
	// of them, on one shared path told apart by scopes, concurrently or
	// one after the other in reverse order, and returns every status.
	outcomes := func(concurrent bool, run int) map[string][]int {
		p := newProxy(t, u, Config{Seed: 42, Rate: 0.5, Kinds: kinds})
		c := &http.Client{Transport: Transport(nil)}
		defer c.CloseIdleConnections()
		out := map[string][]int{}
		var mu sync.Mutex
		client := func(i int) {
			key, target := fmt.Sprintf("path-%d", i), fmt.Sprintf("%s/obj-%d?partNumber=%d&uploadId=run%d-%d", p.URL, i, i%3, run, rand.Int())
			ctx := context.Background()
			if i%2 == 1 { // a scope: the names in the path and in name= may be random
				key, target = fmt.Sprintf("scope-%d", i), fmt.Sprintf("%s/shared/k_%d.bin?name=k_%d.bin", p.URL, rand.Int(), rand.Int())
				ctx = WithScope(ctx, key)
			}
			var got []int
			for range 4 {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				got = append(got, resp.StatusCode)
			}
			mu.Lock()
			out[key] = got
			mu.Unlock()
		}
		if concurrent {
			var wg sync.WaitGroup
			for i := range 24 {
				wg.Go(func() { client(i) })
			}
			wg.Wait()
		} else {
			for i := 23; i >= 0; i-- {
				client(i)
			}
		}
		if p.Requests() != 96 {
			t.Fatalf("%d requests", p.Requests())
		}
		return out
	}
	a, b := outcomes(true, 1), outcomes(false, 2)
	faulted := 0
	for k, sa := range a {
		if !slices.Equal(sa, b[k]) {
			t.Errorf("%s: %v concurrently, %v one at a time", k, sa, b[k])
		}
		for _, s := range sa {
			if s != 200 {
				faulted++
			}
		}
	}
	if len(a) != 24 || faulted < 20 || faulted > 76 {
		t.Fatalf("%d clients, %d of 96 requests faulted at rate 0.5", len(a), faulted)
	}
	if u.hits.Load() != int64(2*96-2*faulted) {
		t.Fatalf("upstream saw %d requests, want the %d unfaulted ones", u.hits.Load(), 2*96-2*faulted)
	}
}
