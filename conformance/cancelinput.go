package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-storages/storage"
)

// cancellingSource yields total deterministic bytes through Read, and
// through ReadAt and Seek for drivers that read sections of a seekable
// input. Once cancelAt bytes were handed out it calls cancel (from inside
// the read that crossed the mark, as a caller cancelling mid-upload would)
// and from then on counts what it hands out. It is safe for concurrent use.
type cancellingSource struct {
	mu        sync.Mutex
	total     int64
	cancelAt  int64
	cancel    func()
	pos       int64
	read      int64
	cancelled bool
	after     int64 // bytes handed out after cancel was called
}

var sourcePattern = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i*31 + i>>8)
	}
	return b
}()

func (s *cancellingSource) fill(p []byte, off int64) {
	for len(p) > 0 {
		n := copy(p, sourcePattern[off%int64(len(sourcePattern)):])
		p, off = p[n:], off+int64(n)
	}
}

func (s *cancellingSource) handed(n int) {
	if s.cancelled {
		s.after += int64(n)
		return
	}
	if s.read += int64(n); s.read >= s.cancelAt {
		s.cancelled = true
		s.cancel()
	}
}

func (s *cancellingSource) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pos >= s.total {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.total-s.pos)]
	s.fill(p, s.pos)
	s.pos += int64(len(p))
	s.handed(len(p))
	return len(p), nil
}

func (s *cancellingSource) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if off >= s.total {
		return 0, io.EOF
	}
	var err error
	if rest := s.total - off; int64(len(p)) > rest {
		p, err = p[:rest], io.EOF
	}
	s.fill(p, off)
	s.handed(len(p))
	return len(p), err
}

func (s *cancellingSource) Seek(offset int64, whence int) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch whence {
	case io.SeekCurrent:
		offset += s.pos
	case io.SeekEnd:
		offset += s.total
	}
	if offset < 0 {
		return s.pos, errors.New("negative position")
	}
	s.pos = offset
	return offset, nil
}

func (s *cancellingSource) readAfterCancel() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.after
}

// cancelStopsInput cancels a Save of a large input mid-way and checks that
// the driver stops reading its input: after the cancellation it may finish
// the parts it is filling (about one part per upload worker), bounded here
// by the heap allowance of the large-object case (Harness.MaxExtraHeap),
// never the rest of the input.
func cancelStopsInput(seekable bool) func(T, *suite) {
	return func(t T, s *suite) {
		st, _ := s.fresh(t)
		put(t, st, "doc.bin", []byte("previous version"), storage.SaveOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		const total, at = 160 << 20, 16 << 20
		src := &cancellingSource{total: total, cancelAt: at, cancel: cancel}
		var r io.Reader = onlyReader{src}
		opts := storage.SaveOptions{Conflict: storage.Overwrite, ContentType: "application/octet-stream"}
		if seekable {
			r, opts.Size = src, total
		}
		_, err := save(t, st, ctx, "doc.bin", r, opts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Save cancelled after %d MiB: %v, want context.Canceled", at>>20, err)
		}
		if after := src.readAfterCancel(); after > s.MaxExtraHeap {
			t.Fatalf("Save read %.1f MiB of its input after its context was cancelled at %d MiB of %d MiB (bound %.1f MiB)",
				mib(after), at>>20, total>>20, mib(s.MaxExtraHeap))
		} else {
			t.Logf("read %s of input after cancel", fmt.Sprintf("%.1f MiB", mib(after)))
		}
		expectBytes(t, st, "doc.bin", []byte("previous version"))
		expectNamespace(t, st, "doc.bin")
	}
}
