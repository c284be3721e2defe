package gcs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gcssdk "cloud.google.com/go/storage"
	"gocloud.dev/blob"
	"gocloud.dev/blob/gcsblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gcs"
)

// The benchmarks compare, against the same fake-gcs-server in one run, this
// driver (through storage.Storage, default settings), the raw SDK
// (cloud.google.com/go/storage, default settings) and gocloud.dev's gcsblob
// (over a client configured like the raw SDK's). Results: BENCHMARKS.md.

const (
	bigSize   = 256 << 20
	smallSize = 4 << 10
)

// impl is one way to use GCS.
type impl struct {
	upload   func(ctx context.Context, name string, r io.Reader, size int64) error
	download func(ctx context.Context, name string, w io.Writer) (int64, error)
	open     func(ctx context.Context, name string) ([]byte, error)
	stat     func(ctx context.Context, name string) (int64, error)
}

type benchEnv struct {
	prefix string
	impls  map[string]impl
	order  []string
}

var (
	benchOnce sync.Once
	benchVal  *benchEnv
	benchErr  error
)

func benchSetup(b *testing.B) *benchEnv {
	e := env(b)
	benchOnce.Do(func() { benchVal, benchErr = newBenchEnv(e) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchVal
}

func newBenchEnv(e testEnv) (*benchEnv, error) {
	ctx := context.Background()
	prefix := newPrefix() + "/"
	be := &benchEnv{prefix: prefix, impls: map[string]impl{}, order: []string{"driver", "sdk", "gocloud"}}

	st, err := gcs.New(ctx, gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, Emulator: true})
	if err != nil {
		return nil, err
	}
	be.impls["driver"] = impl{
		upload: func(ctx context.Context, name string, r io.Reader, size int64) error {
			_, err := st.Save(ctx, prefix+name, r, storage.SaveOptions{Size: size})
			return err
		},
		download: func(ctx context.Context, name string, w io.Writer) (int64, error) {
			r, err := st.Open(ctx, prefix+name)
			if err != nil {
				return 0, err
			}
			defer r.Close()
			return io.Copy(w, r)
		},
		open: func(ctx context.Context, name string) ([]byte, error) {
			r, err := st.Open(ctx, prefix+name)
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return io.ReadAll(r)
		},
		stat: func(ctx context.Context, name string) (int64, error) {
			a, err := st.Stat(ctx, prefix+name)
			if err != nil {
				return 0, err
			}
			return a.Size, nil
		},
	}

	// The driver without the conditional create of the default Rename
	// policy, to show what the precondition costs.
	ow, err := gcs.New(ctx, gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, Emulator: true}, storage.WithConflictPolicy(storage.Overwrite))
	if err != nil {
		return nil, err
	}
	be.impls["driver-overwrite"] = impl{
		upload: func(ctx context.Context, name string, r io.Reader, size int64) error {
			_, err := ow.Save(ctx, prefix+name, r, storage.SaveOptions{Size: size})
			return err
		},
	}

	client, err := sdkClient(ctx, e)
	if err != nil {
		return nil, err
	}
	bkt := client.Bucket(e.bucket)
	sdkImpl := impl{
		upload: func(ctx context.Context, name string, r io.Reader, _ int64) error {
			w := bkt.Object(prefix + name).NewWriter(ctx)
			if _, err := io.Copy(w, r); err != nil {
				w.Close()
				return err
			}
			return w.Close()
		},
		download: func(ctx context.Context, name string, w io.Writer) (int64, error) {
			r, err := bkt.Object(prefix + name).NewReader(ctx)
			if err != nil {
				return 0, err
			}
			defer r.Close()
			return io.Copy(w, r)
		},
		open: func(ctx context.Context, name string) ([]byte, error) {
			r, err := bkt.Object(prefix + name).NewReader(ctx)
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return io.ReadAll(r)
		},
		stat: func(ctx context.Context, name string) (int64, error) {
			a, err := bkt.Object(prefix + name).Attrs(ctx)
			if err != nil {
				return 0, err
			}
			return a.Size, nil
		},
	}
	be.impls["sdk"] = sdkImpl
	// The SDK as its documentation advises for small objects: a chunk size
	// just above the object's (the smallest, 256 KiB), not the 16 MiB default.
	tuned := sdkImpl
	tuned.upload = func(ctx context.Context, name string, r io.Reader, size int64) error {
		w := bkt.Object(prefix + name).NewWriter(ctx)
		w.ChunkSize = int(size) + 1
		if _, err := io.Copy(w, r); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
	be.impls["sdk-small-chunk"] = tuned

	gb, err := gcsblob.OpenBucket(ctx, nil, e.bucket, &gcsblob.Options{Client: client})
	if err != nil {
		return nil, err
	}
	be.impls["gocloud"] = impl{
		upload: func(ctx context.Context, name string, r io.Reader, _ int64) error {
			return gb.Upload(ctx, prefix+name, r, &blob.WriterOptions{ContentType: "application/octet-stream"})
		},
		download: func(ctx context.Context, name string, w io.Writer) (int64, error) {
			r, err := gb.NewReader(ctx, prefix+name, nil)
			if err != nil {
				return 0, err
			}
			defer r.Close()
			return io.Copy(w, r)
		},
		open: func(ctx context.Context, name string) ([]byte, error) {
			return gb.ReadAll(ctx, prefix+name)
		},
		stat: func(ctx context.Context, name string) (int64, error) {
			a, err := gb.Attributes(ctx, prefix+name)
			if err != nil {
				return 0, err
			}
			return a.Size, nil
		},
	}

	return be, nil
}

var fixtures sync.Map // name -> *fixture

type fixture struct {
	once sync.Once
	err  error
}

// needFixture uploads the read benchmarks' object once per process.
func needFixture(b *testing.B, be *benchEnv, name string, size int64) {
	f, _ := fixtures.LoadOrStore(name, &fixture{})
	fx := f.(*fixture)
	fx.once.Do(func() {
		fx.err = be.impls["sdk"].upload(context.Background(), name, &patternReader{n: size}, size)
	})
	if fx.err != nil {
		b.Fatal(fx.err)
	}
}

// patternReader yields n bytes of a fixed pattern without allocating.
type patternReader struct{ n, off int64 }

var patternBlock = pattern(1 << 20)

func (p *patternReader) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	n := 0
	for n < len(b) {
		c := copy(b[n:], patternBlock[(p.off+int64(n))%int64(len(patternBlock)):])
		n += c
	}
	p.n -= int64(n)
	p.off += int64(n)
	return n, nil
}

// heapSampler records the peak of the heap (live and unswept objects) above
// a baseline taken after a GC, sampling every 200µs.
type heapSampler struct {
	base, peak atomic.Uint64
	stop       chan struct{}
	done       chan struct{}
}

var heapMetric = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	base := heapBytes(heapMetric)
	h.base.Store(base)
	h.peak.Store(base)
	go func() {
		defer close(h.done)
		s := []metrics.Sample{{Name: heapMetric[0].Name}}
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := heapBytes(s); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// growth stops the sampler and returns the peak growth in bytes.
func (h *heapSampler) growth() uint64 {
	close(h.stop)
	<-h.done
	if v := heapBytes([]metrics.Sample{{Name: heapMetric[0].Name}}); v > h.peak.Load() {
		h.peak.Store(v)
	}
	return h.peak.Load() - h.base.Load()
}

func eachImpl(b *testing.B, names []string, fn func(b *testing.B, im impl)) {
	be := benchSetup(b)
	switch {
	case strings.Contains(b.Name(), "Download"):
		needFixture(b, be, "big.bin", bigSize)
	case strings.Contains(b.Name(), "Open"), strings.Contains(b.Name(), "Stat"):
		needFixture(b, be, "small.bin", smallSize)
	}
	for _, n := range names {
		b.Run("impl="+n, func(b *testing.B) { fn(b, be.impls[n]) })
	}
}

var uploadSeq atomic.Int64

// BenchmarkUpload256MiB streams 256 MiB of known size; peak-heap-MiB is the
// largest heap growth during one upload.
func BenchmarkUpload256MiB(b *testing.B) {
	eachImpl(b, []string{"driver", "sdk", "gocloud"}, func(b *testing.B, im impl) {
		ctx := context.Background()
		// Each test process starts its own fake-gcs-server, whose heap grows
		// on its first large uploads: one untimed upload by the same
		// implementation first, so the order of the implementations does
		// not matter.
		warm := fmt.Sprintf("warm-%d.bin", uploadSeq.Add(1))
		if err := im.upload(ctx, warm, &patternReader{n: bigSize}, bigSize); err != nil {
			b.Fatal(err)
		}
		if err := deleteBench(ctx, warm); err != nil {
			b.Fatal(err)
		}
		var peak uint64
		b.SetBytes(bigSize)
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			name := fmt.Sprintf("up-%d.bin", uploadSeq.Add(1))
			h := startHeapSampler()
			b.StartTimer()
			if err := im.upload(ctx, name, &patternReader{n: bigSize}, bigSize); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			peak = max(peak, h.growth())
			if err := deleteBench(ctx, name); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}

// BenchmarkDownload256MiB copies a 256 MiB object to io.Discard with
// io.Copy; peak-heap-MiB is the largest heap growth during one download.
func BenchmarkDownload256MiB(b *testing.B) {
	eachImpl(b, []string{"driver", "sdk", "gocloud"}, func(b *testing.B, im impl) {
		ctx := context.Background()
		if _, err := im.download(ctx, "big.bin", io.Discard); err != nil { // untimed warm-up
			b.Fatal(err)
		}
		var peak uint64
		b.SetBytes(bigSize)
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			h := startHeapSampler()
			b.StartTimer()
			n, err := im.download(ctx, "big.bin", io.Discard)
			if err != nil || n != bigSize {
				b.Fatal(n, err)
			}
			b.StopTimer()
			peak = max(peak, h.growth())
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}

// BenchmarkSave4KiB saves 4 KiB objects under new names (bytes.Reader, so
// the size is known).
func BenchmarkSave4KiB(b *testing.B) {
	data := pattern(smallSize)
	eachImpl(b, []string{"driver", "driver-overwrite", "sdk", "sdk-small-chunk", "gocloud"}, func(b *testing.B, im impl) {
		ctx := context.Background()
		b.SetBytes(smallSize)
		var names []string
		for range b.N {
			name := fmt.Sprintf("s-%d.bin", uploadSeq.Add(1))
			names = append(names, name)
			if err := im.upload(ctx, name, bytes.NewReader(data), smallSize); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		for _, n := range names {
			if err := deleteBench(ctx, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpen4KiB opens a 4 KiB object and reads it whole.
func BenchmarkOpen4KiB(b *testing.B) {
	eachImpl(b, []string{"driver", "sdk", "gocloud"}, func(b *testing.B, im impl) {
		ctx := context.Background()
		b.SetBytes(smallSize)
		for range b.N {
			got, err := im.open(ctx, "small.bin")
			if err != nil || len(got) != smallSize {
				b.Fatal(len(got), err)
			}
		}
	})
}

// BenchmarkStat4KiB reads the attributes of a 4 KiB object.
func BenchmarkStat4KiB(b *testing.B) {
	eachImpl(b, []string{"driver", "sdk", "gocloud"}, func(b *testing.B, im impl) {
		ctx := context.Background()
		for range b.N {
			if n, err := im.stat(ctx, "small.bin"); err != nil || n != smallSize {
				b.Fatal(n, err)
			}
		}
	})
}

var deleteClient struct {
	once sync.Once
	c    *gcssdk.Client
	err  error
}

func deleteBench(ctx context.Context, name string) error {
	deleteClient.once.Do(func() { deleteClient.c, deleteClient.err = sdkClient(ctx, envVal) })
	if deleteClient.err != nil {
		return deleteClient.err
	}
	return deleteClient.c.Bucket(envVal.bucket).Object(benchVal.prefix + name).Delete(ctx)
}
