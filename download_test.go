package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// parted asks the portable reader for parallel parts and serves reads as
// plain streams (as a cloud driver does), recording the bytes of the reads
// open at once and the version conditions.
type parted struct {
	storage.Driver
	parts    int
	partSize int64

	mu       sync.Mutex
	inFlight int64 // bytes asked for by the pinned reads open now
	maxBytes int64 // the most at once
	reads    int
	pinned   int // reads with a version condition (all after the first)
}

func (p *parted) Capabilities() storage.Capabilities {
	c := p.Driver.Capabilities()
	c.ReadParts, c.ReadPartSize = p.parts, p.partSize
	return c
}

func (p *parted) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	version, off, n := req.Version, req.Offset, req.Length
	p.mu.Lock()
	p.reads++
	if version != "" {
		p.pinned++
	}
	p.mu.Unlock()
	body, a, err := p.Driver.Read(ctx, name, req)
	if err != nil {
		return nil, nil, err
	}
	if version != "" && version != storage.ValidETag(a.ETag) {
		body.Close()
		return nil, nil, &storage.Error{Op: "read", Name: name, Kind: storage.ErrChanged, Err: errors.New("version gone")}
	}
	size := n
	if size < 0 {
		size = a.Size - off
	}
	if version == "" {
		size = 0
	}
	p.mu.Lock()
	p.inFlight += size
	p.maxBytes = max(p.maxBytes, p.inFlight)
	p.mu.Unlock()
	return &partBody{r: struct{ io.Reader }{body}, c: body, done: func() {
		p.mu.Lock()
		p.inFlight -= size
		p.mu.Unlock()
	}}, a, nil
}

type partBody struct {
	r    io.Reader
	c    io.Closer
	once sync.Once
	done func()
}

func (b *partBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *partBody) Close() error {
	b.once.Do(b.done)
	return b.c.Close()
}

func newParted(t *testing.T, p *parted, size int) (*storage.Storage, []byte) {
	t.Helper()
	p.Driver = memory.NewDriver()
	st, err := storage.New(p)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*31 + i>>12)
	}
	if _, err := st.Save(t.Context(), "big", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return st, data
}

// A parallel download yields the object's bytes, every part pinned to the
// version opened; concurrent downloads together never buffer more than the
// read budget (those that find no room stream); nothing is left running.
func TestParallelDownloadBounded(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &parted{parts: 4, partSize: 4 << 20}
	st, data := newParted(t, p, 10<<20+12345)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			r, err := st.Open(t.Context(), "big")
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Close()
			var out bytes.Buffer
			if _, err := r.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), data) {
				t.Errorf("WriteTo: %d bytes, %v", out.Len(), err)
			}
		})
	}
	wg.Wait()
	// Buffered parts come out of the budget; each download streams one
	// more part straight through.
	if limit := storage.ReadBudget + 3*p.partSize; p.maxBytes > limit {
		t.Fatalf("%d part bytes in flight at most, over the budget and one streamed part per download (%d)", p.maxBytes, limit)
	}
	if p.pinned < 2 {
		t.Fatalf("%d pinned reads, want the parts of a parallel download", p.pinned)
	}
}

// A download asking for more parts than the budget holds buffers at most
// ReadBudget / part size of them.
func TestParallelPartsWithinBudget(t *testing.T) {
	p := &parted{parts: 64, partSize: 2 << 20}
	st, data := newParted(t, p, 24<<20)
	r, err := st.Open(t.Context(), "big")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Leave the stream of Open, so that every part is a pinned read.
	if _, err := r.Seek(1, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := r.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), data[1:]) {
		t.Fatalf("WriteTo: %d bytes, %v", out.Len(), err)
	}
	if limit := storage.ReadBudget + p.partSize; p.maxBytes > limit {
		t.Fatalf("%d part bytes in flight at most, over the budget and the streamed part (%d)", p.maxBytes, limit)
	}
	if p.pinned != 12 {
		t.Fatalf("%d pinned reads, want one per part", p.pinned)
	}
}

// A plain Read switches to parallel parts after two parts in a row, and
// Close half-way stops them.
func TestParallelBehindRead(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &parted{parts: 3, partSize: 1 << 20}
	st, data := newParted(t, p, 9<<20+77)
	r, err := st.Open(t.Context(), "big")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(struct{ io.Reader }{r})
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	if p.pinned < 4 {
		t.Fatalf("%d pinned reads, want the rest fetched in parallel parts", p.pinned)
	}
	r, err = st.Open(t.Context(), "big")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, struct{ io.Reader }{r}, 3<<20); err != nil {
		t.Fatal(err)
	}
	r.Close()
}

// A part whose stream breaks is resumed; an object replaced during a
// parallel download fails it with ErrChanged, after only bytes of the
// version opened.
func TestParallelPartsResumeAndPin(t *testing.T) {
	f := &flaky{Driver: memory.NewDriver()}
	p := &parted{Driver: f, parts: 3, partSize: 64 << 10}
	st, err := storage.New(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	big := bytes.Repeat(testData(), 3) // 300,000 bytes: 5 parts
	if _, err := st.Save(ctx, "big", bytes.NewReader(big), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.breaks, f.cut = 2, 10_000 // two of the parts
	f.mu.Unlock()
	var out bytes.Buffer
	if _, err := r.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), big) {
		t.Fatalf("WriteTo with broken parts: %d bytes, %v", out.Len(), err)
	}
	r.Close()

	r, err = st.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := st.Save(ctx, "big", strings.NewReader(strings.Repeat("B", len(big))), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := r.WriteTo(&out); !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("parallel download of a replaced object: %d bytes, %v; want ErrChanged", out.Len(), err)
	}
	if !bytes.Equal(out.Bytes(), big[:out.Len()]) {
		t.Fatal("bytes of another version were written")
	}
}

// ReadRange bodies resume a broken stream pinned to the version, and fail
// with ErrChanged when the object was replaced; the attributes come with
// the body.
func TestReadRangeResumes(t *testing.T) {
	data := testData()
	f := &flaky{breaks: 2, cut: 7000}
	st := newFlaky(t, f, data)
	rr, err := st.ReadRange(t.Context(), "obj", 1000, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	if a := rr.Attributes(); a.Size != int64(len(data)) || a.ETag == "" {
		t.Fatalf("attributes %+v", a)
	}
	got, err := io.ReadAll(rr)
	rr.Close()
	if err != nil || !bytes.Equal(got, data[1000:51_000]) {
		t.Fatalf("ReadRange read %d bytes, %v; want the range, resumed", len(got), err)
	}

	f.breaks = 1
	f.onReopen = func() {
		f.onReopen = nil
		if _, err := st.Save(context.Background(), "obj", strings.NewReader(strings.Repeat("B", len(data))), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
			t.Error(err)
		}
	}
	f.opens = 0
	rr, err = st.ReadRange(t.Context(), "obj", 1000, -1)
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(rr)
	rr.Close()
	if !errors.Is(err, storage.ErrChanged) || !bytes.Equal(got, data[1000:1000+len(got)]) {
		t.Fatalf("ReadRange of a replaced object: %d bytes, %v; want ErrChanged after bytes of the first version", len(got), err)
	}

	// Resumes are bounded.
	f.breaks, f.cut = 100, 1000
	st2, err := storage.New(f, storage.WithReadResumes(1))
	if err != nil {
		t.Fatal(err)
	}
	rr, err = st2.ReadRange(t.Context(), "obj", 0, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(rr)
	rr.Close()
	if err == nil || len(got) != 2000 {
		t.Fatalf("%d bytes, %v; want an error after two streams of 1000 bytes", len(got), err)
	}
}
