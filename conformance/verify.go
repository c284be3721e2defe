package conformance

import (
	"bytes"
	"context"
	"io"

	"github.com/go-storages/storage"
)

// corrupting wraps a driver so that every read flips one byte of the
// object, at offset at, wherever the bytes go (Read, WriteTo, ReadAt, Seek
// and Read), while the attributes stay as the backend reported them: bytes
// corrupted in transit or at rest. The portable layer must catch it.
type corrupting struct {
	storage.Driver
	at int64
}

func (c corrupting) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	rc, a, err := c.Driver.Read(ctx, name, req)
	if err != nil {
		return rc, a, err
	}
	b := &corruptBody{rc: rc, at: c.at, pos: req.Offset}
	type random interface {
		io.ReadSeeker
		io.ReaderAt
	}
	if ra, ok := rc.(random); ok {
		return &corruptRandom{b, ra}, a, nil
	}
	return b, a, nil
}

// corruptBody is a body whose byte at (an object offset) is flipped; pos is
// the object offset of its next byte.
type corruptBody struct {
	rc  io.ReadCloser
	at  int64
	pos int64
}

func (b *corruptBody) flip(p []byte, off int64) {
	if b.at >= off && b.at < off+int64(len(p)) {
		p[b.at-off] ^= 0xff
	}
}

func (b *corruptBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.flip(p[:n], b.pos)
	b.pos += int64(n)
	return n, err
}

// WriteTo keeps the driver's own WriteTo (a parallel download) in the path.
func (b *corruptBody) WriteTo(w io.Writer) (int64, error) {
	wt, ok := b.rc.(io.WriterTo)
	if !ok {
		return io.Copy(w, onlyReader{b})
	}
	return wt.WriteTo(writerFunc(func(p []byte) (int, error) {
		if b.at >= b.pos && b.at < b.pos+int64(len(p)) {
			p = bytes.Clone(p)
			b.flip(p, b.pos)
		}
		n, err := w.Write(p)
		b.pos += int64(n)
		return n, err
	}))
}

func (b *corruptBody) Close() error { return b.rc.Close() }

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// corruptRandom is a corrupted body that seeks and reads at offsets.
type corruptRandom struct {
	*corruptBody
	ra interface {
		io.ReadSeeker
		io.ReaderAt
	}
}

func (r *corruptRandom) Seek(offset int64, whence int) (int64, error) {
	n, err := r.ra.Seek(offset, whence)
	if err == nil {
		r.pos = n
	}
	return n, err
}

func (r *corruptRandom) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ra.ReadAt(p, off)
	r.flip(p[:n], off)
	return n, err
}

func readVerifyCases() []testCase {
	const size = 3<<20 + 5 // one part or block on every driver: a single-part object
	data := content("verified", size)
	// setup stores data and returns the storage and one that corrupts the
	// byte at offset at of every read. A driver may compute its checksum
	// on the first Stat (memory): Stat first, as a reader that wants the
	// checksum would.
	setup := func(t T, s *suite, data []byte, at int64) (*storage.Storage, *storage.Storage) {
		need(t, s.caps.Checksums, "Checksums")
		st, ctx := s.fresh(t)
		put(t, st, "v.bin", data, storage.SaveOptions{ContentType: "application/octet-stream"})
		if _, err := st.Stat(ctx, "v.bin"); err != nil {
			t.Fatal(err)
		}
		return st, st.Wrap(func(d storage.Driver) storage.Driver { return corrupting{d, at} })
	}
	open := func(t T, st *storage.Storage) *storage.Reader {
		t.Helper()
		r, err := st.Open(t.Context(), "v.bin")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		sums := r.Attributes().Checksums
		if len(sums.MD5) == 0 && len(sums.CRC32C) == 0 && len(sums.SHA256) == 0 {
			t.Fatal("Open reports no checksum of a single-part object, but the driver declares Checksums")
		}
		return r
	}
	mid := int64(size/2 + 7)
	return []testCase{
		{"read-detects-corruption", func(t T, s *suite) {
			_, bad := setup(t, s, data, mid)
			_, err := io.ReadAll(onlyReader{open(t, bad)})
			expectErr(t, "reading a corrupted object to the end", err, storage.ErrChecksum)
		}},
		{"write-to-detects-corruption", func(t T, s *suite) {
			_, bad := setup(t, s, data, mid)
			var b bytes.Buffer
			_, err := open(t, bad).WriteTo(&b)
			expectErr(t, "WriteTo of a corrupted object", err, storage.ErrChecksum)
		}},
		{"last-byte-corruption", func(t T, s *suite) {
			_, bad := setup(t, s, data, size-1)
			_, err := io.ReadAll(onlyReader{open(t, bad)})
			expectErr(t, "reading an object whose last byte is corrupted", err, storage.ErrChecksum)
		}},
		{"read-again-from-start-detects-corruption", func(t T, s *suite) {
			_, bad := setup(t, s, data, mid)
			r := open(t, bad)
			if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			_, err := io.ReadAll(onlyReader{r})
			expectErr(t, "reading a corrupted object again from the start", err, storage.ErrChecksum)
		}},
		{"read-range-detects-corruption", func(t T, s *suite) {
			_, bad := setup(t, s, data, mid)
			rc, err := bad.ReadRange(t.Context(), "v.bin", 0, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			_, err = io.ReadAll(rc)
			expectErr(t, "ReadRange of a whole corrupted object", err, storage.ErrChecksum)
		}},
		{"intact-reads-pass", func(t T, s *suite) {
			// No false alarm: every way of reading the whole object, and
			// partial reads, give its bytes without error.
			st, _ := setup(t, s, data, -1)
			got, err := io.ReadAll(onlyReader{open(t, st)})
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Read to the end: %s, %v", show(got), err)
			}
			var b bytes.Buffer
			if _, err := open(t, st).WriteTo(&b); err != nil || !bytes.Equal(b.Bytes(), data) {
				t.Fatalf("WriteTo: %s, %v", show(b.Bytes()), err)
			}
			r := open(t, st)
			if _, err := io.ReadFull(r, make([]byte, 4096)); err != nil {
				t.Fatal(err)
			}
			if _, err := r.ReadAt(make([]byte, 100), 1<<20); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Seek(2<<20, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(onlyReader{r})
			if err != nil || !bytes.Equal(got, data[2<<20:]) {
				t.Fatalf("Read after Seek: %s, %v", show(got), err)
			}
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(onlyReader{r})
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Read again from the start: %s, %v", show(got), err)
			}
			rc, err := st.ReadRange(t.Context(), "v.bin", 0, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if got, err := io.ReadAll(rc); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("ReadRange of the whole object: %s, %v", show(got), err)
			}
		}},
		{"intact-empty-object", func(t T, s *suite) {
			need(t, s.caps.Checksums, "Checksums")
			st, ctx := s.fresh(t)
			put(t, st, "empty.bin", nil, storage.SaveOptions{ContentType: "application/octet-stream"})
			if _, err := st.Stat(ctx, "empty.bin"); err != nil {
				t.Fatal(err)
			}
			r, err := st.Open(ctx, "empty.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got, err := io.ReadAll(onlyReader{r}); err != nil || len(got) != 0 {
				t.Fatalf("reading an empty object: %s, %v", show(got), err)
			}
		}},
	}
}
