package storage_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// recorder is a memory driver that records what Write is given, and can
// read its input its own way first (as a driver sending parts would).
type recorder struct {
	storage.Driver
	got     io.Reader
	atSize  int64 // the size ReaderAtOf reports of got, -1: not readable at offsets
	opts    storage.WriteOptions
	readish func(r io.Reader) error
}

func (d *recorder) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	d.got, d.opts, d.atSize = r, *o, -1
	if _, _, size, ok := storage.ReaderAtOf(r); ok {
		d.atSize = size
	}
	if d.readish != nil {
		if err := d.readish(r); err != nil {
			return err
		}
	}
	return d.Driver.Write(ctx, name, r, o)
}

func newRecorder(t *testing.T) (*recorder, *storage.Storage) {
	d := &recorder{Driver: memory.NewDriver()}
	st, err := storage.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, st
}

func tempFile(t *testing.T, data []byte) *os.File {
	path := filepath.Join(t.TempDir(), "in.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Save gives the driver the caller's reader itself when it has nothing to
// check (content sniffed by reading and seeking back), and a reader that
// keeps io.ReaderAt and io.Seeker when it verifies checksums, so drivers
// can take their file paths (s3's parts read at offsets, azure's sections).
func TestSaveKeepsTheCallersReader(t *testing.T) {
	data := bytes.Repeat([]byte("<html><body>seekable</body></html>\n"), 3000)
	sum := md5.Sum(data)
	for _, tc := range []struct {
		name string
		opts storage.SaveOptions
		same bool // the driver gets the caller's reader itself
	}{
		{"page.html", storage.SaveOptions{}, true},
		{"unknown.weird-extension", storage.SaveOptions{}, true}, // sniffed
		{"noext", storage.SaveOptions{ContentType: "text/html"}, true},
		{"sums.weird-extension", storage.SaveOptions{Checksums: storage.Checksums{MD5: sum[:]}}, false},
	} {
		for _, kind := range []string{"file", "bytes"} {
			d, st := newRecorder(t)
			var in io.Reader = bytes.NewReader(data)
			if kind == "file" {
				in = tempFile(t, data)
			}
			name, err := st.Save(t.Context(), tc.name, in, tc.opts)
			if err != nil {
				t.Fatalf("%s %s: %v", kind, tc.name, err)
			}
			if tc.same && d.got != in {
				t.Fatalf("%s %s: the driver got a %T, not the caller's %T", kind, tc.name, d.got, in)
			}
			if d.atSize != int64(len(data)) {
				t.Fatalf("%s %s: the driver's %T is not readable at offsets (size %d)", kind, tc.name, d.got, d.atSize)
			}
			if d.opts.Size != int64(len(data)) || !strings.HasPrefix(d.opts.ContentType, "text/html") {
				t.Fatalf("%s %s: WriteOptions Size %d, ContentType %q", kind, tc.name, d.opts.Size, d.opts.ContentType)
			}
			expectStored(t, st, name, data)
		}
	}
}

// A driver that reads the verified input at offsets, out of order (a later
// part first), and twice (a retried part) stores it when the sums match,
// and nothing, with ErrChecksum, when they do not.
func TestSaveVerifiesPartsReadAtOffsets(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	sum := md5.Sum(data)
	d, st := newRecorder(t)
	d.readish = func(r io.Reader) error {
		ra, off, size, ok := storage.ReaderAtOf(r)
		if !ok {
			return errors.New("not readable at offsets")
		}
		half := size / 2
		for _, p := range [][2]int64{{half, size - half}, {0, half}, {0, half}} {
			if _, err := io.Copy(io.Discard, io.NewSectionReader(ra, off+p[0], p[1])); err != nil {
				return err
			}
		}
		return nil
	}
	for _, in := range []io.Reader{tempFile(t, data), bytes.NewReader(data)} {
		if _, err := st.Save(t.Context(), "ok.bin", in, storage.SaveOptions{Checksums: storage.Checksums{MD5: sum[:]}, Conflict: storage.Overwrite}); err != nil {
			t.Fatalf("%T: %v", in, err)
		}
	}
	bad := sum
	bad[0] ^= 1
	_, err := st.Save(t.Context(), "bad.bin", bytes.NewReader(data), storage.SaveOptions{Checksums: storage.Checksums{MD5: bad[:]}})
	if !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("wrong MD5: %v, want ErrChecksum", err)
	}
	if ok, _ := st.Exists(t.Context(), "bad.bin"); ok {
		t.Fatal("an object with a wrong checksum was stored")
	}
}

// Unknown size is UnknownSize (-1) in SaveOptions and WriteOptions alike;
// the zero SaveOptions.Size means "not given": what the reader reports.
func TestSaveSizeConvention(t *testing.T) {
	d, st := newRecorder(t)
	for _, tc := range []struct {
		r    io.Reader
		size int64
		want int64
	}{
		{strings.NewReader("abc"), 0, 3},
		{strings.NewReader(""), 0, 0},
		{bytes.NewBufferString("abcd"), 0, 4},
		{io.MultiReader(strings.NewReader("abc")), 0, storage.UnknownSize},
		{io.MultiReader(strings.NewReader("abc")), storage.UnknownSize, storage.UnknownSize},
		{io.MultiReader(strings.NewReader("abc")), 3, 3},
		{strings.NewReader("abc"), storage.UnknownSize, storage.UnknownSize}, // declared: not asked
	} {
		if _, err := st.Save(t.Context(), "s.bin", tc.r, storage.SaveOptions{Size: tc.size, Conflict: storage.Overwrite}); err != nil {
			t.Fatal(err)
		}
		if d.opts.Size != tc.want {
			t.Fatalf("%T with SaveOptions.Size %d: WriteOptions.Size %d, want %d", tc.r, tc.size, d.opts.Size, tc.want)
		}
	}
	_, err := st.Save(t.Context(), "s.bin", strings.NewReader("abc"), storage.SaveOptions{Size: -2})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("Size -2: %v, want ErrInvalidArgument", err)
	}
}

func expectStored(t *testing.T, st *storage.Storage, name string, want []byte) {
	t.Helper()
	r, err := st.Open(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s holds %d bytes (%v), want the %d saved", name, len(got), err, len(want))
	}
}

func TestSpoolLimitOption(t *testing.T) {
	if _, err := storage.New(memory.NewDriver(), storage.WithSpoolLimit(-1)); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("WithSpoolLimit(-1): %v, want ErrInvalidArgument", err)
	}
	if _, err := storage.Open(t.Context(), "mem://?spool_limit=-1"); !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "spool_limit") {
		t.Fatalf("spool_limit=-1: %v, want ErrInvalidArgument naming it", err)
	}
	st, err := storage.Open(t.Context(), "mem://?spool_limit=0")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}
