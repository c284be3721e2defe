package storage_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
	"github.com/go-storages/storage/wrap/readonly"
)

// streamOnly hides the random access of the memory driver's bodies (so the
// portable reader reopens for seeks and ReadAt, as over a network) and
// records the version conditions it is given.
type streamOnly struct {
	storage.Driver
	mu    sync.Mutex
	etags []string
}

func (s *streamOnly) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	if req.Version != "" {
		s.mu.Lock()
		s.etags = append(s.etags, name+" "+req.Version)
		s.mu.Unlock()
	}
	rc, a, err := s.Driver.Read(ctx, name, req) // memory ignores the version: the portable reader still compares
	if err != nil {
		return nil, nil, err
	}
	return struct{ io.ReadCloser }{rc}, a, nil
}

// TestVersionConditionThroughWrappers: the reopen of a Reader carries the
// ETag it opened down through the read-only and instrument wrappers, under a
// location prefix,, and a replaced object fails with ErrChanged.
func TestVersionConditionThroughWrappers(t *testing.T) {
	ctx := t.Context()
	so := &streamOnly{Driver: memory.NewDriver()}
	rw, err := storage.New(so, storage.WithLocation("p"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Save(ctx, "o.bin", bytes.NewReader(bytes.Repeat([]byte("a"), 4096)), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	ro, err := storage.New(instrument.Wrap(instrument.Options{})(readonly.Wrap(so)), storage.WithLocation("p"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ro.Open(ctx, "o.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := make([]byte, 10)
	if _, err := r.ReadAt(p, 100); err != nil || string(p) != "aaaaaaaaaa" {
		t.Fatalf("ReadAt = %q, %v", p, err)
	}
	want := "p/o.bin " + r.Attributes().ETag
	if len(so.etags) != 1 || so.etags[0] != want {
		t.Fatalf("pinned reads %q, want [%q]", so.etags, want)
	}
	if _, err := rw.Save(ctx, "o.bin", bytes.NewReader(bytes.Repeat([]byte("b"), 4096)), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	// The window of the small ReadAt (bytes 100 to the end, of the version
	// opened) serves reads inside it; a read before it needs the backend.
	if _, err := r.ReadAt(p, 200); err != nil || string(p) != "aaaaaaaaaa" {
		t.Fatalf("ReadAt inside the window = %q, %v", p, err)
	}
	if _, err := r.ReadAt(p, 0); !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("ReadAt after a replacement: %q, %v; want ErrChanged", p, err)
	}
}

// sumsAs makes Read report the given checksums instead of the object's:
// none (nothing to verify, BenchmarkReadVerify), or those of another
// version than the bytes it returns, as a backend that reads attributes and
// bytes apart can while the object is replaced.
type sumsAs struct {
	storage.Driver
	sums storage.Checksums
}

func (s sumsAs) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	rc, a, err := s.Driver.Read(ctx, name, req)
	if a != nil {
		a.Checksums = s.sums
	}
	return rc, a, err
}

// TestStaleChecksumIsChanged: a whole read whose bytes match the object's
// current checksum but not the one Open reported is ErrChanged (a newer
// version was read whole), not ErrChecksum.
func TestStaleChecksumIsChanged(t *testing.T) {
	ctx := t.Context()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "o.bin", bytes.NewReader([]byte("new version")), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	old := md5.Sum([]byte("old version"))
	r, err := st.Wrap(func(d storage.Driver) storage.Driver {
		return sumsAs{d, storage.Checksums{MD5: old[:]}}
	}).Open(ctx, "o.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadAll(struct{ io.Reader }{r}); !errors.Is(err, storage.ErrChanged) || errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("reading bytes newer than the attributes: %v, want ErrChanged", err)
	}
}

// statusLike answers reads as an HTTP service does: a read pinned to a
// version that is gone fails with a 412, a range starting at or past the
// end with a 416, which its ErrorKind maps to ErrExist and
// ErrInvalidArgument as storage.KindForStatus does. Its bodies are plain
// streams, so seeks and ReadAt read the backend again.
type statusLike struct {
	storage.Driver
	reads *int
}

var (
	errPrecondition = errors.New("412 Precondition Failed")
	errRange        = errors.New("416 Range Not Satisfiable")
)

func (s statusLike) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	*s.reads++
	if req.Length == 0 {
		return nil, nil, errors.New("asked to read 0 bytes")
	}
	a, err := s.Driver.Stat(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case req.Version != "" && req.Version != a.ETag:
		return nil, nil, errPrecondition
	case req.Offset >= a.Size:
		return nil, nil, errRange
	}
	rc, a, err := s.Driver.Read(ctx, name, req)
	if err != nil {
		return nil, nil, err
	}
	return struct{ io.ReadCloser }{rc}, a, nil
}

func (s statusLike) ErrorKind(err error) error {
	switch err {
	case errPrecondition:
		return storage.ErrExist
	case errRange:
		return storage.ErrInvalidArgument
	}
	return s.Driver.ErrorKind(err)
}

// TestReadStatusesOnce: the root package answers what every HTTP driver
// would otherwise answer itself: an empty range without a Read of the
// driver, a range past the end (416) as an empty read with the object's
// attributes, and a pinned read whose condition failed (412) as ErrChanged,
// not ErrExist.
func TestReadStatusesOnce(t *testing.T) {
	ctx := t.Context()
	base, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("v1"), 2048)
	if _, err := base.Save(ctx, "o.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	reads := 0
	st := base.Wrap(func(d storage.Driver) storage.Driver { return statusLike{d, &reads} })
	for _, c := range []struct{ off, n int64 }{{10, 0}, {int64(len(data)), 10}, {int64(len(data)) + 7, -1}} {
		rr, err := st.ReadRange(ctx, "o.bin", c.off, c.n)
		if err != nil {
			t.Fatalf("ReadRange(%d, %d): %v", c.off, c.n, err)
		}
		b, err := io.ReadAll(rr)
		rr.Close()
		if err != nil || len(b) != 0 || rr.Attributes().Size != int64(len(data)) {
			t.Fatalf("ReadRange(%d, %d) = %d bytes, %v, size %d; want empty, size %d", c.off, c.n, len(b), err, rr.Attributes().Size, len(data))
		}
	}
	if reads != 2 {
		t.Fatalf("%d driver reads for the three empty ranges, want 2 (none for length 0)", reads)
	}
	if _, err := st.ReadRange(ctx, "absent", 5, 10); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("ReadRange of a missing object past its end: %v, want ErrNotExist", err)
	}

	r, err := st.Open(ctx, "o.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := base.Save(ctx, "o.bin", bytes.NewReader([]byte("v2")), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 4)
	if _, err := r.ReadAt(p, 100); !errors.Is(err, storage.ErrChanged) || errors.Is(err, storage.ErrExist) {
		t.Fatalf("ReadAt pinned to a replaced version: %v, want ErrChanged (not ErrExist)", err)
	}
}
