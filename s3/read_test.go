package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"go.uber.org/goleak"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/s3"
)

// recorder is an http.RoundTripper that records the requests it sends.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.reqs = nil
	r.mu.Unlock()
}

// count returns the number of recorded requests with method that match.
func (r *recorder) count(method string, match func(*http.Request) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if q.Method == method && (match == nil || match(q)) {
			n++
		}
	}
	return n
}

func recorded(t testing.TB, bucket string) (s3.Config, *recorder) {
	rec := &recorder{}
	cfg := config(t, bucket)
	cfg.HTTPClient = &http.Client{Transport: rec}
	return cfg, rec
}

// Open is one GET (no HEAD); io.Copy of a large object runs parallel
// ranged GETs pinned to the ETag, and the bytes are right.
func TestParallelDownload(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	cfg.DownloadPartSize = 1 << 20
	cfg.DownloadConcurrency = 3
	st := newStorage(t, cfg)
	ctx := t.Context()
	const size = 5<<20 + 4321
	if _, err := st.Save(ctx, "big.bin", &genReader{n: size}, storage.SaveOptions{ContentType: "x/y", Size: size}); err != nil {
		t.Fatal(err)
	}
	rec.reset()
	r, err := st.Open(ctx, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := len(rec.reqs); n != 1 || rec.count("GET", nil) != 1 {
		t.Fatalf("Open sent %d requests, want one GET", n)
	}
	// Read a little through the plain reader first, then copy the rest.
	head := make([]byte, 1000)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(head)
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	if got, want := [32]byte(h.Sum(nil)), genSum(size); got != want {
		t.Fatal("downloaded bytes differ")
	}
	ranged := rec.count("GET", func(q *http.Request) bool {
		return q.Header.Get("Range") != "" && q.Header.Get("If-Match") != ""
	})
	if ranged < 4 {
		t.Fatalf("%d ranged GETs pinned to the ETag, want at least 4", ranged)
	}
}

// A plain reader (no WriteTo) switches to parallel ranged GETs after two
// parts read in a row; closing it half-way stops every goroutine.
func TestParallelPlainReader(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	cfg.DownloadPartSize = 1 << 20
	cfg.DownloadConcurrency = 3
	st := newStorage(t, cfg)
	ctx := t.Context()
	const size = 7<<20 + 77
	if _, err := st.Save(ctx, "big.bin", &genReader{n: size}, storage.SaveOptions{ContentType: "x/y", Size: size}); err != nil {
		t.Fatal(err)
	}
	rec.reset()
	r, err := st.Open(ctx, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{r}, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if got, want := [32]byte(h.Sum(nil)), genSum(size); got != want {
		t.Fatal("downloaded bytes differ")
	}
	if n := rec.count("GET", func(q *http.Request) bool { return q.Header.Get("If-Match") != "" }); n < 3 {
		t.Fatalf("%d ranged GETs, want the rest fetched in parallel", n)
	}
	// No goroutine of the parallel download may outlive Close; the
	// HTTP client's idle keep-alive connections may (their read and
	// write loops), by design.
	ignore := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop")}
	r, err = st.Open(ctx, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, struct{ io.Reader }{r}, 3<<20); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if err := goleak.Find(ignore...); err != nil {
		t.Fatalf("goroutines outlive Close: %v", err)
	}
}

// An object replaced during a parallel download fails the download; it
// is not reported as ErrExist or ErrNotExist.
func TestParallelDownloadObjectChanged(t *testing.T) {
	bucket := newBucket(t, false)
	cfg := config(t, bucket)
	cfg.DownloadPartSize = 1 << 20
	cfg.DownloadConcurrency = 2
	st := newStorage(t, cfg)
	ctx := t.Context()
	if _, err := st.Save(ctx, "v.bin", &genReader{n: 6 << 20}, storage.SaveOptions{ContentType: "x/y"}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Open(ctx, "v.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, _ := admin(t)
	once := sync.Once{}
	w := writerFunc(func(p []byte) (int, error) {
		once.Do(func() {
			_, err = c.PutObject(ctx, &sdk.PutObjectInput{Bucket: &bucket, Key: strPtr("v.bin"), Body: bytes.NewReader(make([]byte, 6<<20))})
		})
		return len(p), err
	})
	_, err = io.Copy(w, r)
	if err == nil || !errors.Is(err, storage.ErrChanged) || errors.Is(err, storage.ErrExist) || errors.Is(err, storage.ErrNotExist) || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("io.Copy = %v, want an 'object changed' error", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func strPtr(s string) *string { return &s }

func TestRangeReads(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	st := newStorage(t, cfg)
	ctx := t.Context()
	if _, err := st.Save(ctx, "r.txt", strings.NewReader("0123456789"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		off, n int64
		want   string
	}{{0, -1, "0123456789"}, {3, 4, "3456"}, {8, -1, "89"}, {8, 100, "89"}, {10, -1, ""}, {20, 5, ""}, {5, 0, ""}} {
		rec.reset()
		rc, err := st.ReadRange(ctx, "r.txt", c.off, c.n)
		if err != nil {
			t.Fatalf("ReadRange(%d, %d): %v", c.off, c.n, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(b) != c.want {
			t.Fatalf("ReadRange(%d, %d) = %q, %v; want %q", c.off, c.n, b, err, c.want)
		}
		if c.off < 10 && c.n != 0 && rec.count("HEAD", nil) != 0 {
			t.Fatalf("ReadRange(%d, %d) sent a HEAD", c.off, c.n)
		}
	}
}

// Copy above the CopyObject limit runs as a multipart copy and keeps the
// headers and metadata.
func TestMultipartCopy(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	ctx := t.Context()
	const size = 2*s3.MinPartSize + 99
	if _, err := st.Save(ctx, "src.bin", &genReader{n: size}, storage.SaveOptions{ContentType: "x/y", CacheControl: "max-age=9",
		Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	defer s3.SetCopyLimits(s3.MinPartSize, s3.MinPartSize)()
	if _, err := st.Copy(ctx, "dst.bin", "src.bin", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, "dst.bin")
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != size || a.ContentType != "x/y" || a.CacheControl != "max-age=9" || a.Metadata["k"] != "v" || !strings.HasSuffix(strings.Trim(a.ETag, `"`), "-3") {
		t.Fatalf("copy attributes %+v", a)
	}
	if sum, _ := objectSum(t, st, "dst.bin"); sum != genSum(size) {
		t.Fatal("copied bytes differ")
	}
	if _, err := st.Copy(ctx, "x", "missing", storage.CopyOptions{Conflict: storage.Overwrite}); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Copy(missing) = %v", err)
	}
}
