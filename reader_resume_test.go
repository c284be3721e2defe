package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// flaky is a driver whose read streams break: each of the first breaks
// streams fails after cut bytes, with a reset connection (or a clean but
// premature EOF when eof is set), or blocks until its context ends when
// stall is set. Streams are never random-access, so the Reader streams.
type flaky struct {
	storage.Driver
	mu       sync.Mutex
	breaks   int
	cut      int64
	eof      bool
	stall    bool
	opens    int
	onReopen func() // called on every read after the first
	writeTo  bool   // streams have a WriteTo (as parallel downloads do)
}

var errReset = &resetError{}

type resetError struct{}

func (*resetError) Error() string        { return "read tcp: connection reset by peer" }
func (*resetError) Is(target error) bool { return target == syscall.ECONNRESET }

func (f *flaky) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	f.mu.Lock()
	f.opens++
	if f.opens > 1 && f.onReopen != nil {
		f.onReopen()
	}
	breakIt := f.breaks > 0
	if breakIt {
		f.breaks--
	}
	f.mu.Unlock()
	body, a, err := f.Driver.Read(ctx, name, req)
	if err != nil {
		return nil, nil, err
	}
	s := &stream{ctx: ctx, rc: body}
	if breakIt {
		s.left, s.broken, s.eof, s.stall = f.cut, true, f.eof, f.stall
	}
	if f.writeTo {
		return &streamWT{s}, a, nil
	}
	return s, a, nil
}

type stream struct {
	ctx    context.Context
	rc     io.ReadCloser
	left   int64
	broken bool
	eof    bool
	stall  bool
}

func (s *stream) Read(p []byte) (int, error) {
	if s.broken && s.left <= 0 {
		switch {
		case s.stall:
			<-s.ctx.Done()
			return 0, s.ctx.Err()
		case s.eof:
			return 0, io.EOF
		}
		return 0, errReset
	}
	if s.broken && int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.rc.Read(p)
	s.left -= int64(n)
	return n, err
}

func (s *stream) Close() error { return s.rc.Close() }

type streamWT struct{ *stream }

func (s *streamWT) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, onlyR{s.stream}) }

type onlyR struct{ io.Reader }

func newFlaky(t *testing.T, f *flaky, data []byte, opts ...storage.Option) *storage.Storage {
	t.Helper()
	f.Driver = memory.NewDriver()
	st, err := storage.New(f, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(context.Background(), "obj", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

func testData() []byte {
	b := make([]byte, 100_000)
	for i := range b {
		b[i] = byte(i * 13)
	}
	return b
}

func TestReaderResumesBrokenStreams(t *testing.T) {
	data := testData()
	for _, c := range []struct {
		name string
		f    *flaky
	}{
		{"reset", &flaky{breaks: 2, cut: 30_000}},
		{"premature EOF", &flaky{breaks: 2, cut: 30_000, eof: true}},
		{"reset at the first byte", &flaky{breaks: 3, cut: 0}},
		{"WriteTo", &flaky{breaks: 2, cut: 30_000, writeTo: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newFlaky(t, c.f, data)
			r, err := st.Open(t.Context(), "obj")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []byte
			if c.f.writeTo {
				var buf bytes.Buffer
				_, err = r.WriteTo(&buf)
				got = buf.Bytes()
			} else {
				got, err = io.ReadAll(r)
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes, %v; want the %d stored, resumed", len(got), err, len(data))
			}
		})
	}
}

func TestReaderResumesAStall(t *testing.T) {
	data := testData()
	f := &flaky{breaks: 1, cut: 10_000, stall: true}
	st := newFlaky(t, f, data, storage.WithStallTimeout(50*time.Millisecond))
	r, err := st.Open(t.Context(), "obj")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want the stall detected and the stream resumed", len(got), err)
	}
	// Without resumes, the stall is an error naming it.
	f.breaks = 1
	st2, _ := storage.New(f, storage.WithStallTimeout(50*time.Millisecond), storage.WithReadResumes(0))
	r2, err := st2.Open(t.Context(), "obj")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if _, err := io.ReadAll(r2); !errors.Is(err, storage.ErrStalled) {
		t.Fatalf("stalled read without resumes: %v, want ErrStalled", err)
	}
}

// The resume is pinned to the version opened: a replaced object fails with
// ErrChanged, after only bytes of the first version.
func TestReaderResumeNeverSplicesVersions(t *testing.T) {
	data := testData()
	f := &flaky{breaks: 1, cut: 30_000}
	st := newFlaky(t, f, data)
	f.onReopen = func() {
		f.onReopen = nil
		if _, err := st.Save(context.Background(), "obj", strings.NewReader(strings.Repeat("B", len(data))), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
			t.Error(err)
		}
	}
	r, err := st.Open(t.Context(), "obj")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("read of a replaced object: %d bytes, %v; want ErrChanged", len(got), err)
	}
	if !bytes.Equal(got, data[:len(got)]) {
		t.Fatal("bytes of another version were returned")
	}
}

// A stream that keeps breaking fails once the resumes are spent: never a
// short read reported as a success.
func TestReaderResumesAreBounded(t *testing.T) {
	data := testData()
	for _, eof := range []bool{false, true} {
		f := &flaky{breaks: 100, cut: 1000, eof: eof}
		st := newFlaky(t, f, data, storage.WithReadResumes(2))
		r, err := st.Open(t.Context(), "obj")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err == nil || len(got) != 3000 {
			t.Fatalf("eof=%v: %d bytes, %v; want an error after 3 streams of 1000 bytes", eof, len(got), err)
		}
		var se *storage.Error
		if !errors.As(err, &se) {
			t.Fatalf("error %T is not a *storage.Error", err)
		}
	}
}

func TestReaderReadAtResumes(t *testing.T) {
	data := testData()
	f := &flaky{}
	st := newFlaky(t, f, data)
	r, err := st.Open(t.Context(), "obj")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f.mu.Lock()
	f.breaks, f.cut = 2, 5000
	f.mu.Unlock()
	p := make([]byte, 40_000)
	n, err := r.ReadAt(p, 12_345)
	if err != nil || n != len(p) || !bytes.Equal(p, data[12_345:12_345+len(p)]) {
		t.Fatalf("ReadAt: %d, %v", n, err)
	}
}
