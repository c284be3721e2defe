package azure_test

// Benchmarks against the same Azurite as the tests, side by side in one run:
// this driver, the raw SDK (blockblob UploadStream / DownloadStream) and
// gocloud.dev/blob/azureblob. See BENCHMARKS.md for the command and results.

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"gocloud.dev/blob"
	"gocloud.dev/blob/azureblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/internal/driverof"
)

const (
	largeSize = 256 << 20
	smallSize = 4 << 10
)

// benchEnv holds the three clients over one location prefix of the run's
// container.
type benchEnv struct {
	st        *storage.Storage
	cont      *container.Client
	bucket    *blob.Bucket
	prefix    string // the storage's location, with "/"
	container string
	conn      string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	st := newStorage(b, azure.Config{})
	drv := driverof.Get(st).(*azure.Driver)
	cont := drv.ContainerClient()
	bucket, err := azureblob.OpenBucket(context.Background(), cont, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bucket.Close() })
	prefix := locationOf(b, st, "")
	ae, name := env(b)
	return &benchEnv{st: st, cont: cont, bucket: bucket, prefix: prefix, container: name, conn: ae.ConnectionString}
}

// pattern yields size bytes of a repeated 1 MiB random block, without
// allocating: a stream of unknown size (no Len, no Seek).
type pattern struct {
	block []byte
	left  int64
	off   int
}

var patternBlock = func() []byte {
	b := make([]byte, 1<<20)
	_, _ = io.ReadFull(rand32{}, b)
	return b
}()

func newPattern(size int64) *pattern { return &pattern{block: patternBlock, left: size} }

func (p *pattern) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := copy(b, p.block[p.off:])
	if int64(n) > p.left {
		n = int(p.left)
	}
	p.off = (p.off + n) % len(p.block)
	p.left -= int64(n)
	return n, nil
}

// heapPeak samples the heap until report, which reports the peak growth
// over the baseline taken (after a GC) at the start, in MiB.
type heapPeak struct{ h *benchmetrics.HeapPeak }

func startHeapPeak() *heapPeak { return &heapPeak{benchmetrics.StartHeapPeak(time.Millisecond)} }

func (h *heapPeak) report(b *testing.B) {
	b.ReportMetric(float64(h.h.Growth())/(1<<20), "peak-heap-MiB")
}

// warmUp uploads and reads 64 MiB, untimed: a freshly started Azurite (node)
// is much slower on its first large transfer, which would penalise whichever
// implementation runs first.
func warmUp(b *testing.B, e *benchEnv) {
	b.Helper()
	ctx := context.Background()
	bb := e.cont.NewBlockBlobClient(e.prefix + "warmup.bin")
	if _, err := bb.UploadStream(ctx, newPattern(64<<20), &blockblob.UploadStreamOptions{BlockSize: azure.DefaultBlockSize, Concurrency: azure.DefaultConcurrency}); err != nil {
		b.Fatal(err)
	}
	resp, err := bb.DownloadStream(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkUpload256MiB(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	warmUp(b, e)
	run := func(b *testing.B, put func(name string) error) {
		b.SetBytes(largeSize)
		h := startHeapPeak()
		for b.Loop() {
			if err := put("up.bin"); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		h.report(b)
	}
	b.Run("impl=driver", func(b *testing.B) {
		run(b, func(name string) error {
			_, err := e.st.Save(ctx, name, newPattern(largeSize), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite})
			return err
		})
	})
	nosum := newStorage(b, azure.Config{Container: e.container, DisableChecksums: true})
	b.Run("impl=driver-nosum", func(b *testing.B) {
		run(b, func(name string) error {
			_, err := nosum.Save(ctx, name, newPattern(largeSize), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite})
			return err
		})
	})
	b.Run("impl=sdk", func(b *testing.B) {
		run(b, func(name string) error {
			_, err := e.cont.NewBlockBlobClient(e.prefix+name).UploadStream(ctx, newPattern(largeSize), &blockblob.UploadStreamOptions{
				BlockSize: azure.DefaultBlockSize, Concurrency: azure.DefaultConcurrency,
			})
			return err
		})
	})
	b.Run("impl=gocloud", func(b *testing.B) {
		run(b, func(name string) error {
			w, err := e.bucket.NewWriter(ctx, e.prefix+name, &blob.WriterOptions{ContentType: "application/octet-stream"})
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, newPattern(largeSize)); err != nil {
				w.Close()
				return err
			}
			return w.Close()
		})
	})
}

func BenchmarkDownload256MiB(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	warmUp(b, e)
	if _, err := e.st.Save(ctx, "down.bin", newPattern(largeSize), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, get func() (int64, error)) {
		b.SetBytes(largeSize)
		h := startHeapPeak()
		for b.Loop() {
			n, err := get()
			if err != nil || n != largeSize {
				b.Fatal(n, err)
			}
		}
		b.StopTimer()
		h.report(b)
	}
	b.Run("impl=driver", func(b *testing.B) {
		run(b, func() (int64, error) {
			return benchmetrics.Drain(e.st.Open(ctx, "down.bin"))
		})
	})
	par, err := azure.New(ctx, azure.Config{ConnectionString: e.conn, Container: e.container, DownloadConcurrency: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=driver-parallel4", func(b *testing.B) {
		run(b, func() (int64, error) {
			return benchmetrics.Drain(par.Open(ctx, e.prefix+"down.bin"))
		})
	})
	b.Run("impl=sdk", func(b *testing.B) {
		run(b, func() (int64, error) {
			resp, err := e.cont.NewBlobClient(e.prefix+"down.bin").DownloadStream(ctx, nil)
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			return io.Copy(io.Discard, resp.Body)
		})
	})
	b.Run("impl=gocloud", func(b *testing.B) {
		run(b, func() (int64, error) {
			return benchmetrics.Drain(e.bucket.NewReader(ctx, e.prefix+"down.bin", nil))
		})
	})
}

func BenchmarkSave4KiB(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	data := patternBlock[:smallSize]
	b.Run("impl=driver", func(b *testing.B) {
		b.SetBytes(smallSize)
		for b.Loop() {
			if _, err := e.st.Save(ctx, "small.bin", bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		b.SetBytes(smallSize)
		bb := e.cont.NewBlockBlobClient(e.prefix + "small.bin")
		for b.Loop() {
			if _, err := bb.UploadBuffer(ctx, data, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gocloud", func(b *testing.B) {
		b.SetBytes(smallSize)
		for b.Loop() {
			if err := e.bucket.WriteAll(ctx, e.prefix+"small.bin", data, &blob.WriterOptions{ContentType: "application/octet-stream"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOpen4KiB(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	data := patternBlock[:smallSize]
	if _, err := e.st.Save(ctx, "open.bin", bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 2*smallSize)
	readAll := func(r io.Reader) error {
		n, err := io.ReadFull(r, buf)
		if err == io.ErrUnexpectedEOF && n == smallSize {
			return nil
		}
		if err == nil {
			err = io.ErrShortBuffer
		}
		return err
	}
	b.Run("impl=driver", func(b *testing.B) {
		for b.Loop() {
			r, err := e.st.Open(ctx, "open.bin")
			if err != nil {
				b.Fatal(err)
			}
			if err := readAll(r); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		bc := e.cont.NewBlobClient(e.prefix + "open.bin")
		for b.Loop() {
			resp, err := bc.DownloadStream(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := readAll(resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	b.Run("impl=gocloud", func(b *testing.B) {
		for b.Loop() {
			r, err := e.bucket.NewReader(ctx, e.prefix+"open.bin", nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := readAll(r); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
}

func BenchmarkStat(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	if _, err := e.st.Save(ctx, "stat.bin", bytes.NewReader(patternBlock[:smallSize]), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	b.Run("impl=driver", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.st.Stat(ctx, "stat.bin"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		bc := e.cont.NewBlobClient(e.prefix + "stat.bin")
		for b.Loop() {
			if _, err := bc.GetProperties(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gocloud", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.bucket.Attributes(ctx, e.prefix+"stat.bin"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
