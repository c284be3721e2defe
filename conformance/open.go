package conformance

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"testing/iotest"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/counting"
)

// The portable reader is what Open promises.
var (
	_ io.ReadSeekCloser = (*storage.Reader)(nil)
	_ io.ReaderAt       = (*storage.Reader)(nil)
	_ io.WriterTo       = (*storage.Reader)(nil)
)

// openFixture saves a 100 KB object and returns it open.
func openFixture(t T, s *suite) (*storage.Storage, *storage.Reader, []byte) {
	t.Helper()
	st, ctx := s.fresh(t)
	data := content("open", 100_000)
	put(t, st, "open/obj.bin", data, storage.SaveOptions{})
	r, err := st.Open(ctx, "open/obj.bin")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return st, r, data
}

func readRange(t T, st *storage.Storage, name string, off, n int64) []byte {
	t.Helper()
	rc, err := st.ReadRange(t.Context(), name, off, n)
	if err != nil {
		t.Fatalf("ReadRange(%q, %d, %d): %v", name, off, n, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("ReadRange(%q, %d, %d): reading: %v", name, off, n, err)
	}
	return b
}

func openCases() []testCase {
	rangeCase := func(off, n int64) func(T, *suite) {
		return func(t T, s *suite) {
			st, _, data := openFixture(t, s)
			end := int64(len(data))
			if n >= 0 && off+n < end {
				end = off + n
			}
			want := data[min(off, int64(len(data))):end]
			if got := readRange(t, st, "open/obj.bin", off, n); !bytes.Equal(got, want) {
				t.Fatalf("ReadRange(%d, %d) = %s, want %s", off, n, show(got), show(want))
			}
		}
	}
	return []testCase{
		{"read-all", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("ReadAll = %s, %v; want %s", show(got), err, show(data))
			}
			if r.Size() != int64(len(data)) || r.Name() != "open/obj.bin" {
				t.Fatalf("Size() = %d, Name() = %q", r.Size(), r.Name())
			}
		}},
		{"iotest-reader", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			if err := iotest.TestReader(r, data); err != nil {
				t.Fatal(err)
			}
		}},
		{"seek-patterns", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			n := int64(len(data))
			buf := make([]byte, 100)
			steps := []struct {
				off    int64
				whence int
				pos    int64
			}{
				{5000, io.SeekStart, 5000},
				{100, io.SeekCurrent, 5200}, // after reading 100
				{-300, io.SeekEnd, n - 300},
				{-50, io.SeekCurrent, n - 250},
				{0, io.SeekStart, 0},
				{n - 100, io.SeekStart, n - 100},
			}
			for _, st := range steps {
				pos, err := r.Seek(st.off, st.whence)
				if err != nil || pos != st.pos {
					t.Fatalf("Seek(%d, %d) = %d, %v; want %d", st.off, st.whence, pos, err, st.pos)
				}
				if _, err := io.ReadFull(r, buf); err != nil {
					t.Fatalf("read at %d: %v", pos, err)
				}
				if !bytes.Equal(buf, data[pos:pos+100]) {
					t.Fatalf("read at %d: wrong bytes", pos)
				}
			}
			if k, err := r.Read(buf); k != 0 || err != io.EOF {
				t.Fatalf("Read at end = %d, %v; want 0, io.EOF", k, err)
			}
		}},
		{"seek-past-end", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			if _, err := r.Seek(int64(len(data))+10, io.SeekStart); err != nil {
				t.Fatalf("Seek past end: %v", err)
			}
			if k, err := r.Read(make([]byte, 10)); k != 0 || err != io.EOF {
				t.Fatalf("Read past end = %d, %v; want 0, io.EOF", k, err)
			}
		}},
		{"seek-negative", func(t T, s *suite) {
			_, r, _ := openFixture(t, s)
			if _, err := r.Seek(-1, io.SeekStart); err == nil {
				t.Fatal("Seek(-1, SeekStart) succeeded")
			}
		}},
		{"read-at", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			for _, off := range []int64{0, 1, 4095, 50_000, 99_000} {
				buf := make([]byte, 1000)
				k, err := r.ReadAt(buf, off)
				if k != 1000 || err != nil || !bytes.Equal(buf, data[off:off+1000]) {
					t.Fatalf("ReadAt(1000, %d) = %d, %v", off, k, err)
				}
			}
			// ReadAt does not move the stream.
			head := make([]byte, 10)
			if _, err := io.ReadFull(r, head); err != nil || !bytes.Equal(head, data[:10]) {
				t.Fatalf("Read after ReadAt: %v", err)
			}
		}},
		{"read-at-end", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			buf := make([]byte, 1000)
			k, err := r.ReadAt(buf, int64(len(data))-300)
			if k != 300 || err != io.EOF || !bytes.Equal(buf[:300], data[len(data)-300:]) {
				t.Fatalf("ReadAt over the end = %d, %v; want 300, io.EOF", k, err)
			}
			k, err = r.ReadAt(buf, int64(len(data)))
			if k != 0 || err != io.EOF {
				t.Fatalf("ReadAt at the end = %d, %v; want 0, io.EOF", k, err)
			}
			k, err = r.ReadAt(buf, int64(len(data))+500)
			if k != 0 || err != io.EOF {
				t.Fatalf("ReadAt past the end = %d, %v; want 0, io.EOF", k, err)
			}
		}},
		{"section-reader", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			sec := io.NewSectionReader(r, 12_345, 20_000)
			if err := iotest.TestReader(sec, data[12_345:32_345]); err != nil {
				t.Fatal(err)
			}
		}},
		{"concurrent-read-at", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for w := range 8 {
				wg.Go(func() {
					buf := make([]byte, 777)
					for i := range 10 {
						off := int64((w*10+i)*1200) % int64(len(data)-777)
						if _, err := r.ReadAt(buf, off); err != nil {
							errs <- err
							return
						}
						if !bytes.Equal(buf, data[off:off+777]) {
							errs <- errors.New("concurrent ReadAt returned wrong bytes")
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		}},
		{"write-to-after-seek", func(t T, s *suite) {
			_, r, data := openFixture(t, s)
			if _, err := r.Seek(777, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			k, err := io.Copy(&buf, r)
			if err != nil || k != int64(len(data)-777) || !bytes.Equal(buf.Bytes(), data[777:]) {
				t.Fatalf("io.Copy after Seek(777) = %d, %v", k, err)
			}
		}},
		{"read-after-close", func(t T, s *suite) {
			_, r, _ := openFixture(t, s)
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if _, err := r.Read(make([]byte, 1)); err == nil {
				t.Fatal("Read after Close succeeded")
			}
			if err := r.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
		}},
		{"open-empty", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "empty", nil, storage.SaveOptions{})
			expectBytes(t, st, "empty", nil)
			if got := readRange(t, st, "empty", 0, -1); len(got) != 0 {
				t.Fatalf("ReadRange of an empty object = %s", show(got))
			}
		}},
		{"range-middle", rangeCase(1000, 2000)},
		{"range-to-end", rangeCase(99_000, -1)},
		{"range-from-start", rangeCase(0, 10)},
		{"range-one-byte", rangeCase(54_321, 1)},
		{"range-past-end-is-cut", rangeCase(99_900, 1000)},
		{"range-zero-length", rangeCase(500, 0)},
		{"range-at-end-is-empty", rangeCase(100_000, -1)},
		{"range-attributes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("range-attrs", 50_000)
			opts := storage.SaveOptions{ContentType: "application/x-range-test", CacheControl: "max-age=60"}
			if s.caps.Metadata {
				opts.Metadata = map[string]string{"owner": "range"}
			}
			put(t, st, "range/attrs.bin", data, opts)
			want, err := st.Stat(ctx, "range/attrs.bin")
			if err != nil {
				t.Fatal(err)
			}
			// One call of the driver: the attributes come with the body.
			rst, counted := counting.Wrap(st)
			for _, c := range []struct{ off, n int64 }{{1000, 2000}, {0, -1}, {49_000, -1}} {
				counted.Reset()
				rr, err := rst.ReadRange(ctx, "range/attrs.bin", c.off, c.n)
				if err != nil {
					t.Fatalf("ReadRange(%d, %d): %v", c.off, c.n, err)
				}
				a := rr.Attributes()
				got, err := io.ReadAll(rr)
				rr.Close()
				end := int64(len(data))
				if c.n >= 0 {
					end = c.off + c.n
				}
				if err != nil || !bytes.Equal(got, data[c.off:end]) {
					t.Fatalf("ReadRange(%d, %d) = %s, %v", c.off, c.n, show(got), err)
				}
				if r, st := counted.Reads.Load(), counted.Stats.Load(); r != 1 || st != 0 {
					t.Fatalf("ReadRange(%d, %d): %d reads and %d stats of the driver, want one read", c.off, c.n, r, st)
				}
				if a == nil || a.Size != int64(len(data)) {
					t.Fatalf("ReadRange(%d, %d) attributes %+v, want the size of the whole object %d", c.off, c.n, a, len(data))
				}
				if s.caps.Metadata && a.ContentType != opts.ContentType {
					t.Fatalf("ReadRange(%d, %d) content type %q, want %q", c.off, c.n, a.ContentType, opts.ContentType)
				}
				// The rest of the attributes where the ranged response
				// carries them (a gocloud.dev reader has only size,
				// modification time and content type).
				if a.Metadata != nil && a.Metadata["owner"] != "range" || a.CacheControl != "" && a.CacheControl != opts.CacheControl {
					t.Fatalf("ReadRange(%d, %d) metadata %q, cache control %q", c.off, c.n, a.Metadata, a.CacheControl)
				}
				if a.ETag != "" && want.ETag != "" && a.ETag != want.ETag || a.Version != "" && want.Version != "" && a.Version != want.Version {
					t.Fatalf("ReadRange(%d, %d) ETag %q version %q, Stat %q %q", c.off, c.n, a.ETag, a.Version, want.ETag, want.Version)
				}
				if d := a.ModTime.Sub(want.ModTime); d < -time.Second || d > time.Second {
					t.Fatalf("ReadRange(%d, %d) modified %v, Stat %v", c.off, c.n, a.ModTime, want.ModTime)
				}
			}
		}},
		{"range-negative-offset", func(t T, s *suite) {
			st, _, _ := openFixture(t, s)
			_, err := st.ReadRange(t.Context(), "open/obj.bin", -1, 10)
			expectErr(t, "ReadRange(-1, 10)", err, storage.ErrInvalidArgument)
		}},
		{"reader-survives-overwrite", func(t T, s *suite) {
			st, r, data := openFixture(t, s)
			head := make([]byte, 10)
			if _, err := io.ReadFull(r, head); err != nil {
				t.Fatal(err)
			}
			put(t, st, "open/obj.bin", []byte("replaced"), storage.SaveOptions{})
			// Whatever the reader yields next, it must not mix the two
			// versions silently: either the rest of the old bytes or an error.
			rest, err := io.ReadAll(r)
			if err == nil && !bytes.Equal(append(head, rest...), data) {
				t.Fatalf("reader opened before an overwrite yielded %s after it", show(rest))
			}
			expectBytes(t, st, "open/obj.bin", []byte("replaced"))
		}},
	}
}
