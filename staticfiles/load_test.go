package staticfiles_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-storages/storage/staticfiles"
)

// TestHandlerUnderLoad serves the test tree over loopback to 256 concurrent
// connections for a bounded time (STATIC_LOAD_DURATION, default 2s; the
// README gives the figures of a 30s run) and checks every response: no
// 5xx, the representation the Accept-Encoding field allows, the exact
// bytes (whole or the requested range) with a matching Content-Length,
// and a heap that stays flat (measured after a warm-up and at the end,
// after a GC each time).
func TestHandlerUnderLoad(t *testing.T) {
	d := 2 * time.Second
	if v := os.Getenv("STATIC_LOAD_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("STATIC_LOAD_DURATION=%q: %v", v, err)
		}
	}
	const conns = 256
	h, _, _ := newHandler(t, staticfiles.HandlerOptions{})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.MaxHeaderBytes = 16 << 10
	srv.Start()
	defer srv.Close()
	tr := &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	paths := []string{"/css/app.css", "/css/app.0123456789ab.css", "/js/only-gzip.js", "/fonts/f.woff2", "/plain.txt", "/empty.txt", "/index.html"}
	encodings := []string{"", "br", "gzip", "zstd", "br, gzip, zstd", "identity"}
	ext := map[string]string{"br": ".br", "gzip": ".gz", "zstd": ".zst"}
	file := func(p string) string { return strings.TrimPrefix(p, "/") }

	var (
		requests, partial, bad atomic.Int64
		statuses               sync.Map
		firstBad               atomic.Value
	)
	fail := func(format string, args ...any) {
		bad.Add(1)
		firstBad.CompareAndSwap(nil, fmt.Sprintf(format, args...))
	}
	run := func(until time.Time, seed uint64) {
		var wg sync.WaitGroup
		for i := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				for time.Now().Before(until) {
					p := paths[rng.IntN(len(paths))]
					ae := encodings[rng.IntN(len(encodings))]
					req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
					if ae != "" {
						req.Header.Set("Accept-Encoding", ae)
					}
					var off, end int64 = -1, -1
					if rng.IntN(4) == 0 {
						off, end = rng.Int64N(64), 64+rng.Int64N(512)
						req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(end, 10))
					}
					resp, err := client.Do(req)
					if err != nil {
						fail("GET %s: %v", p, err)
						continue
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					requests.Add(1)
					n, _ := statuses.LoadOrStore(resp.StatusCode, new(atomic.Int64))
					n.(*atomic.Int64).Add(1)
					if err != nil {
						fail("GET %s: body: %v", p, err)
						continue
					}
					if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
						fail("GET %s: Content-Length %q, body %d bytes", p, cl, len(body))
						continue
					}
					enc := resp.Header.Get("Content-Encoding")
					if enc != "" && !strings.Contains(ae, enc) {
						fail("GET %s with Accept-Encoding %q: Content-Encoding %q", p, ae, enc)
						continue
					}
					want := tree[file(p)+ext[enc]]
					switch resp.StatusCode {
					case http.StatusOK:
						if string(body) != want {
							fail("GET %s (%s): %d bytes differ from the stored %d", p, enc, len(body), len(want))
						}
					case http.StatusPartialContent:
						partial.Add(1)
						last := min(end, int64(len(want))-1)
						if off >= int64(len(want)) || string(body) != want[off:last+1] {
							fail("GET %s (%s) Range %d-%d: wrong %d bytes", p, enc, off, end, len(body))
						}
					case http.StatusRequestedRangeNotSatisfiable:
						if off < int64(len(want)) {
							fail("GET %s (%s) Range %d-%d: 416 for a %d-byte representation", p, enc, off, end, len(want))
						}
					default:
						fail("GET %s (AE %q): status %d", p, ae, resp.StatusCode)
					}
				}
			}()
		}
		wg.Wait()
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	run(time.Now().Add(d/4), 1) // warm-up: connections, caches
	warm := heap()
	start := time.Now()
	requests.Store(0)
	run(time.Now().Add(d), 2)
	elapsed := time.Since(start)
	end := heap()
	var sb strings.Builder
	statuses.Range(func(k, v any) bool {
		fmt.Fprintf(&sb, " %v:%d", k, v.(*atomic.Int64).Load())
		return true
	})
	t.Logf("%d connections, %v: %d requests (%.0f/s), statuses%s; heap in use %.1f MiB after warm-up, %.1f MiB at the end",
		conns, elapsed.Round(time.Millisecond), requests.Load(), float64(requests.Load())/elapsed.Seconds(), sb.String(),
		float64(warm)/(1<<20), float64(end)/(1<<20))
	if bad.Load() > 0 {
		t.Fatalf("%d bad responses; first: %v", bad.Load(), firstBad.Load())
	}
	if requests.Load() == 0 || partial.Load() == 0 {
		t.Fatalf("the load made %d requests, %d ranged", requests.Load(), partial.Load())
	}
	// Flat: what the run leaves on the heap after a GC is bounded by a
	// constant (the 256 connections' buffers), not by the requests served.
	if end > warm+32<<20 {
		t.Fatalf("heap grew from %d to %d MiB over the run", warm>>20, end>>20)
	}
}
