package conformance

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-storages/storage"
)

// versionContent is n bytes of version v: two versions differ at every
// byte, so any byte of the wrong version shows.
func versionContent(v byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i>>10) ^ v
	}
	return b
}

// expectOneVersion fails unless a read that returned got and err read only
// want (the bytes of the version opened at that position): either all of
// it, or a prefix of it and an error matching storage.ErrChanged (or
// storage.ErrNotExist when allowGone and the object was deleted).
func expectOneVersion(t T, what string, got []byte, err error, want []byte, allowGone bool) {
	t.Helper()
	if !bytes.HasPrefix(want, got) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: byte %d of %d is not of the version opened (read %d bytes, err %v): a Reader mixed versions", what, i, len(want), len(got), err)
	}
	switch {
	case err == nil || err == io.EOF:
		if len(got) != len(want) {
			t.Fatalf("%s: %d bytes and no error, want %d bytes", what, len(got), len(want))
		}
	case allowGone && errors.Is(err, storage.ErrNotExist):
		expectErr(t, what, err, storage.ErrNotExist)
	default:
		expectErr(t, what, err, storage.ErrChanged)
		t.Logf("%s: %v", what, err)
	}
}

// replace overwrites name with version v.
func replace(t T, st *storage.Storage, name string, v byte, size int) {
	t.Helper()
	if _, err := st.Save(t.Context(), name, bytes.NewReader(versionContent(v, size)), storage.SaveOptions{
		Conflict: storage.Overwrite, ContentType: "application/octet-stream",
	}); err != nil {
		t.Fatalf("overwriting %q: %v", name, err)
	}
}

// readN reads up to n bytes from r (fewer at the end or on an error).
func readN(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, n)
	k, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:k], err
}

func versionCases() []testCase {
	// sizes: above the in-memory random-access threshold of the s3 driver
	// (1 MiB), below it, and large enough for a parallel ranged download
	// (two or more parts of 8 MiB).
	const mid, small, large = 3 << 20, 200 << 10, 20 << 20
	// replaced opens a version, lets step read some, replaces the object
	// (or deletes it), and lets after read again.
	type steps struct {
		size   int
		before func(r *storage.Reader) error
		after  func(t T, r *storage.Reader, a []byte, gone bool)
		delete bool
	}
	run := func(sp steps) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			a := versionContent('A', sp.size)
			put(t, st, "v.bin", a, storage.SaveOptions{ContentType: "application/octet-stream"})
			r, err := st.Open(ctx, "v.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if sp.before != nil {
				if err := sp.before(r); err != nil {
					t.Fatalf("before the replacement: %v", err)
				}
			}
			if sp.delete {
				if err := st.Delete(ctx, "v.bin"); err != nil {
					t.Fatal(err)
				}
			} else {
				replace(t, st, "v.bin", 'B', sp.size)
			}
			sp.after(t, r, a, sp.delete)
			if !sp.delete {
				expectBytes(t, st, "v.bin", versionContent('B', sp.size))
			}
		}
	}
	readAt := func(off, n int) func(t T, r *storage.Reader, a []byte, gone bool) {
		return func(t T, r *storage.Reader, a []byte, gone bool) {
			p := make([]byte, n)
			k, err := r.ReadAt(p, int64(off))
			if err == io.EOF && off+n >= len(a) {
				err = nil
			}
			expectOneVersion(t, "ReadAt", p[:k], err, a[off:min(off+n, len(a))], gone)
		}
	}
	seekRead := func(off, n int) func(t T, r *storage.Reader, a []byte, gone bool) {
		return func(t T, r *storage.Reader, a []byte, gone bool) {
			if _, err := r.Seek(int64(off), io.SeekStart); err != nil {
				t.Fatalf("Seek: %v", err)
			}
			got, err := readN(r, n)
			expectOneVersion(t, "Read after Seek", got, err, a[off:min(off+n, len(a))], gone)
		}
	}
	readRest := func(from int) func(t T, r *storage.Reader, a []byte, gone bool) {
		return func(t T, r *storage.Reader, a []byte, gone bool) {
			got, err := io.ReadAll(r)
			expectOneVersion(t, "reading on", got, err, a[from:], gone)
		}
	}
	writeTo := func(from int) func(t T, r *storage.Reader, a []byte, gone bool) {
		return func(t T, r *storage.Reader, a []byte, gone bool) {
			var b bytes.Buffer
			_, err := r.WriteTo(&b)
			expectOneVersion(t, "WriteTo", b.Bytes(), err, a[from:], gone)
		}
	}
	peek := func(n int) func(r *storage.Reader) error {
		return func(r *storage.Reader) error {
			_, err := readN(r, n)
			return err
		}
	}
	seek := func(off int64) func(r *storage.Reader) error {
		return func(r *storage.Reader) error {
			_, err := r.Seek(off, io.SeekStart)
			return err
		}
	}
	return []testCase{
		{"unchanged-mixed-access", func(t T, s *suite) {
			// No false alarm: Read, Seek, ReadAt and WriteTo in any order
			// on an unchanged object all give its bytes.
			st, ctx := s.fresh(t)
			a := versionContent('A', mid)
			put(t, st, "v.bin", a, storage.SaveOptions{ContentType: "application/octet-stream"})
			r, err := st.Open(ctx, "v.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := readN(r, 1000)
			expectOneVersion(t, "first Read", got, err, a[:1000], false)
			p := make([]byte, 5000)
			k, err := r.ReadAt(p, 2<<20)
			expectOneVersion(t, "ReadAt", p[:k], err, a[2<<20:2<<20+5000], false)
			got, err = readN(r, 1000)
			expectOneVersion(t, "Read after ReadAt", got, err, a[1000:2000], false)
			if _, err := r.Seek(-4096, io.SeekEnd); err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(r)
			expectOneVersion(t, "Read after Seek from the end", got, err, a[len(a)-4096:], false)
			if _, err := r.Seek(100, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			_, err = r.WriteTo(&b)
			expectOneVersion(t, "WriteTo after Seek", b.Bytes(), err, a[100:], false)
		}},
		{"read-at-after-replace", run(steps{size: mid, after: readAt(1000, 4096)})},
		{"large-read-at-after-replace", run(steps{size: mid, after: readAt(1<<20, 1<<20)})},
		{"read-at-after-read-and-replace", run(steps{size: mid, before: peek(1000), after: readAt(2<<20, 4096)})},
		{"seek-after-replace", run(steps{size: mid, before: peek(1000), after: seekRead(2<<20, 64<<10)})},
		{"seek-back-after-replace", run(steps{size: mid, before: peek(100 << 10), after: seekRead(10, 64<<10)})},
		{"read-on-after-seek-and-replace", run(steps{size: mid, before: seek(1 << 20), after: readRest(1 << 20)})},
		{"read-on-after-replace", run(steps{size: mid, before: peek(64 << 10), after: readRest(64 << 10)})},
		{"small-read-at-after-replace", run(steps{size: small, before: peek(10), after: readAt(100<<10, 1000)})},
		{"small-seek-after-replace", run(steps{size: small, before: peek(10), after: seekRead(150<<10, 1000)})},
		{"write-to-after-replace", run(steps{size: large, after: writeTo(0)})},
		{"write-to-after-seek-and-replace", run(steps{size: large, before: seek(1 << 20), after: writeTo(1 << 20)})},
		{"read-at-after-delete", run(steps{size: mid, delete: true, after: readAt(1000, 4096)})},
		{"seek-after-delete", run(steps{size: mid, delete: true, before: peek(10), after: seekRead(2<<20, 1000)})},
	}
}
