package staticfiles_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

// discardWriter is the cheapest http.ResponseWriter: a header map cleared
// between requests, bodies dropped. It isolates what a handler itself costs
// per request (net/http's own work is the same for every handler).
type discardWriter struct {
	h      http.Header
	status int
	n      int
	buf    []byte
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(s int)           { w.status = s }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// ReadFrom copies through one reused buffer, as net/http's response does
// with its pooled ones, so http.ServeContent is not charged a 32 KiB
// buffer per request that a real server would not allocate.
func (w *discardWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.buf == nil {
		w.buf = make([]byte, 32<<10)
	}
	return io.CopyBuffer(struct{ io.Writer }{w}, r, w.buf)
}

// The benchmark's file: a hashed CSS name with a brotli variant of the size
// of bootstrap.min.css's (22.8 KB).
const benchName = "css/bootstrap.min.0123456789ab.css"

var benchBr = bytes.Repeat([]byte("b"), 22833)

func benchRequest() *http.Request {
	r, _ := http.NewRequest("GET", "/static/"+benchName, nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	return r
}

func benchRun(b *testing.B, h http.Handler) {
	r := benchRequest()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBr)))
	for b.Loop() {
		clear(w.h)
		w.n = 0
		h.ServeHTTP(w, r)
	}
	if w.status != http.StatusOK || w.n != len(benchBr) {
		b.Fatalf("status %d, %d bytes", w.status, w.n)
	}
}

// BenchmarkServe/handler is staticfiles.Handler; /minimal writes the same
// bytes with the same headers (the floor); /servecontent is the same
// headers over http.ServeContent, which the handler does not use.
func BenchmarkServe(b *testing.B) {
	st, err := memory.New()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for name, body := range map[string][]byte{benchName: bytes.Repeat([]byte("c"), 232803), benchName + ".br": benchBr} {
		if _, err := st.Save(ctx, name, bytes.NewReader(body), storage.SaveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	m, err := staticfiles.ParseManifest(strings.NewReader(`{"paths": {"css/bootstrap.min.css": "` + benchName + `"}, "version": "1.0"}`))
	if err != nil {
		b.Fatal(err)
	}
	h, err := staticfiles.NewHandler(ctx, st, staticfiles.HandlerOptions{Prefix: "/static/", Manifest: m})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("handler", func(b *testing.B) { benchRun(b, h) })

	etag := `"0123456789ab-br"`
	lm := time.Now().UTC().Format(http.TimeFormat)
	b.Run("minimal", func(b *testing.B) {
		benchRun(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hd := w.Header()
			hd.Set("Content-Type", "text/css; charset=utf-8")
			hd.Set("Content-Encoding", "br")
			hd.Set("Content-Length", "22833")
			hd.Set("Cache-Control", staticfiles.ImmutableCacheControl)
			hd.Set("Etag", etag)
			hd.Set("Last-Modified", lm)
			hd.Set("Vary", "Accept-Encoding")
			hd.Set("X-Content-Type-Options", "nosniff")
			hd.Set("Accept-Ranges", "bytes")
			w.WriteHeader(http.StatusOK)
			w.Write(benchBr)
		}))
	})
	modTime := time.Now()
	b.Run("servecontent", func(b *testing.B) {
		benchRun(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hd := w.Header()
			hd.Set("Content-Type", "text/css; charset=utf-8")
			hd.Set("Content-Encoding", "br")
			hd.Set("Cache-Control", staticfiles.ImmutableCacheControl)
			hd.Set("Etag", etag)
			hd.Set("Vary", "Accept-Encoding")
			hd.Set("X-Content-Type-Options", "nosniff")
			http.ServeContent(w, r, benchName, modTime, bytes.NewReader(benchBr))
		}))
	})
}
