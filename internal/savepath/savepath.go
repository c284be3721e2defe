// Package savepath checks, for the drivers that read a seekable input at
// offsets (s3's parts, azure's sections), that Storage.Save hands them the
// caller's file in every case: with and without expected checksums, with a
// known and an unknown extension. Each driver's test passes its storage and
// the driver's own count of such uploads.
package savepath

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/wrap/instrument"
)

// Case is one way to save a file.
type Case struct {
	Name string // object name (its extension drives content sniffing)
	Sums bool   // with expected MD5 and SHA-256
}

// Cases are the ways a file is saved.
var Cases = []Case{
	{"plain.bin", false},
	{"plain.sums.bin", true},
	{"unknown.zzqx", false},
	{"unknown.sums.zzqx", true},
}

// File writes size bytes to a temporary file and returns it open, with the
// bytes' sums.
func File(tb testing.TB, size int64) (*os.File, storage.Checksums) {
	tb.Helper()
	f, err := os.Create(filepath.Join(tb.TempDir(), "input"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	m, s := md5.New(), sha256.New()
	block := make([]byte, 64<<10)
	for i := range block {
		block[i] = byte(i*7 + i>>9)
	}
	for left := size; left > 0; left -= int64(len(block)) {
		p := block[:min(int64(len(block)), left)]
		f.Write(p)
		m.Write(p)
		s.Write(p)
	}
	return f, storage.Checksums{MD5: m.Sum(nil), SHA256: s.Sum(nil)}
}

// Options returns the SaveOptions of c.
func (c Case) Options(sums storage.Checksums) storage.SaveOptions {
	o := storage.SaveOptions{Conflict: storage.Overwrite}
	if c.Sums {
		o.Checksums = sums
	}
	return o
}

// Test saves a file of size bytes in every Case and fails unless each save
// was read straight from the file (count, the driver's counter of such
// uploads, grew by one) and stored whole.
func Test(t *testing.T, st *storage.Storage, size int64, count func() int64) {
	f, sums := File(t, size)
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			before := count()
			name, err := st.Save(t.Context(), c.Name, f, c.Options(sums))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Delete(t.Context(), name)
			if n := count() - before; n != 1 {
				t.Fatalf("%d uploads read straight from the file, want 1: Save hid the file from the driver", n)
			}
			a, err := st.Stat(t.Context(), name)
			if err != nil || a.Size != size {
				t.Fatalf("Stat: %+v, %v; want %d bytes", a, err, size)
			}
		})
	}
}

// TestInstrumented is Test through wrap/instrument (metrics on): the
// wrapper hands the driver the caller's file as it is, so every Case still
// takes the file path, and its storage.bytes counter records the size of
// each save once.
func TestInstrumented(t *testing.T, st *storage.Storage, size int64, count func() int64) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	Test(t, st.Wrap(instrument.Wrap(instrument.Options{MeterProvider: mp})), size, count)
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	var written int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "storage.bytes" {
				for _, dp := range sum.DataPoints {
					if op, _ := dp.Attributes.Value("storage.operation"); op.AsString() == "write" {
						written += dp.Value
					}
				}
			}
		}
	}
	if want := size * int64(len(Cases)); written != want {
		t.Fatalf("storage.bytes of the writes = %d, want %d (%d saves of %d bytes)", written, want, len(Cases), size)
	}
}

// Benchmark saves a file of size bytes in every Case, reporting MB/s,
// allocations, how many of the uploads were read straight from the file
// (from-file/op: 1 when the file path is taken) and how many times its
// bytes were read (read/size: bytes read from the file, by Read and ReadAt,
// over the bytes saved).
func Benchmark(b *testing.B, st *storage.Storage, size int64, count func() int64) {
	f, sums := File(b, size)
	in := &countedFile{f: f}
	for _, c := range Cases {
		b.Run(c.Name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			before := count()
			in.n.Store(0)
			for b.Loop() {
				if _, err := in.Seek(0, io.SeekStart); err != nil {
					b.Fatal(err)
				}
				if _, err := st.Save(b.Context(), c.Name, in, c.Options(sums)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(count()-before)/float64(b.N), "from-file/op")
			b.ReportMetric(float64(in.n.Load())/float64(size)/float64(b.N), "read/size")
			if err := st.Delete(b.Context(), c.Name); err != nil {
				b.Fatal(fmt.Errorf("cleanup: %w", err))
			}
		})
	}
}

// countedFile is a file as drivers see a seekable input (io.Reader,
// io.ReaderAt, io.Seeker: see storage.ReaderAtOf) that counts the bytes
// read from it.
type countedFile struct {
	f *os.File
	n atomic.Int64
}

func (c *countedFile) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func (c *countedFile) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }
