package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/instrument"
	"github.com/go-storages/storage/wrap/prefix"
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

func (s *streamOnly) Read(ctx context.Context, name string, off, n int64) (io.ReadCloser, *storage.Attributes, error) {
	rc, a, err := s.Driver.Read(ctx, name, off, n)
	if err != nil {
		return nil, nil, err
	}
	return struct{ io.ReadCloser }{rc}, a, nil
}

func (s *streamOnly) ReadVersion(ctx context.Context, name, etag string, off, n int64) (io.ReadCloser, *storage.Attributes, error) {
	s.mu.Lock()
	s.etags = append(s.etags, name+" "+etag)
	s.mu.Unlock()
	return s.Read(ctx, name, off, n) // no condition here: the portable reader still compares
}

// TestVersionConditionThroughWrappers: the reopen of a Reader carries the
// ETag it opened down through the prefix, read-only and instrument
// wrappers, and a replaced object fails with ErrChanged.
func TestVersionConditionThroughWrappers(t *testing.T) {
	ctx := t.Context()
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	so := &streamOnly{Driver: mem.Driver()}
	rw, err := storage.New(prefix.New(so, "p/"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Save(ctx, "o.bin", bytes.NewReader(bytes.Repeat([]byte("a"), 4096)), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	ro, err := storage.New(instrument.Wrap(instrument.Options{})(readonly.Wrap(prefix.New(so, "p/"))))
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
		t.Fatalf("ReadVersion calls %q, want [%q]", so.etags, want)
	}
	if _, err := rw.Save(ctx, "o.bin", bytes.NewReader(bytes.Repeat([]byte("b"), 4096)), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadAt(p, 100); !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("ReadAt after a replacement: %q, %v; want ErrChanged", p, err)
	}
}
