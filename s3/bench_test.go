package s3_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
	"golang.org/x/time/rate"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
)

// Benchmarks against the same service, in one run: this driver, the raw SDK
// (service/s3 with feature/s3/transfermanager, default settings) and
// gocloud.dev/blob/s3blob (default settings).
//
//	go test -run '^$' -bench . -count 3 ./s3/ | tee new.txt; benchstat new.txt
//
// STORAGE_BENCH_SIZE (bytes) overrides the 1 GiB of the large cases.

type benchEnv struct {
	bucket string
	st     *storage.Storage
	client *sdk.Client
	tm     *transfermanager.Client
	gc     *blob.Bucket
}

// benchSetup returns a fresh bucket and the three clients on it.
func benchSetup(b *testing.B) benchEnv {
	b.Helper()
	bucket := newBucket(b, false)
	cfg := config(b, bucket)
	st := newStorage(b, cfg)
	_, env := admin(b)
	client := sdk.New(sdk.Options{
		Region:       env.Region,
		BaseEndpoint: aws.String(env.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(env.AccessKey, env.SecretKey, ""),
	})
	gc, err := s3blob.OpenBucket(context.Background(), client, bucket, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { gc.Close() })
	return benchEnv{bucket: bucket, st: st, client: client, tm: transfermanager.New(client), gc: gc}
}

func largeSize() int64 {
	if v, err := strconv.ParseInt(os.Getenv("STORAGE_BENCH_SIZE"), 10, 64); err == nil && v > 0 {
		return v
	}
	return 1 << 30
}

// heapPeak samples the heap until report, which reports the peak (not the
// growth) in MiB and the CPU time per operation.
type heapPeak struct {
	h   *benchmetrics.HeapPeak
	cpu time.Duration // process CPU time at the start
}

func startHeapPeak() *heapPeak {
	return &heapPeak{cpu: benchmetrics.CPU(), h: benchmetrics.StartHeapPeak(2 * time.Millisecond)}
}

func (h *heapPeak) report(b *testing.B) {
	peak, _ := h.h.Stop()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric((benchmetrics.CPU()-h.cpu).Seconds()/float64(b.N), "cpu-s/op")
}

type discardAt struct{}

func (discardAt) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

func BenchmarkUpload(b *testing.B) {
	size := largeSize()
	e := benchSetup(b)
	ctx := context.Background()
	file := genFile(b, size)
	rewind := func() {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
	}
	inputs := []struct {
		name string
		r    func() io.Reader
	}{
		{"file", func() io.Reader { rewind(); return file }},
		{"stream", func() io.Reader { return &genReader{n: size} }},
	}
	for _, in := range inputs {
		b.Run(in.name+"/driver", func(b *testing.B) {
			b.SetBytes(size)
			h := startHeapPeak()
			for b.Loop() {
				if _, err := e.st.Save(ctx, "up-driver", in.r(), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite}); err != nil {
					b.Fatal(err)
				}
			}
			h.report(b)
		})
		b.Run(in.name+"/sdk-transfermanager", func(b *testing.B) {
			b.SetBytes(size)
			h := startHeapPeak()
			for b.Loop() {
				if _, err := e.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
					Bucket: &e.bucket, Key: aws.String("up-sdk"), Body: in.r(), ContentType: aws.String("application/octet-stream"),
				}); err != nil {
					b.Fatal(err)
				}
			}
			h.report(b)
		})
		b.Run(in.name+"/gocloud", func(b *testing.B) {
			b.SetBytes(size)
			h := startHeapPeak()
			for b.Loop() {
				w, err := e.gc.NewWriter(ctx, "up-gocloud", &blob.WriterOptions{ContentType: "application/octet-stream"})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(w, in.r()); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			h.report(b)
		})
	}
}

func BenchmarkDownload(b *testing.B) {
	size := largeSize()
	e := benchSetup(b)
	ctx := context.Background()
	const key = "down.bin"
	if _, err := e.st.Save(ctx, key, genFile(b, size), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	run := func(name string, fn func() (int64, error)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			h := startHeapPeak()
			for b.Loop() {
				n, err := fn()
				if err != nil || n != size {
					b.Fatalf("downloaded %d bytes, %v", n, err)
				}
			}
			h.report(b)
		})
	}
	run("driver", func() (int64, error) {
		return benchmetrics.Drain(e.st.Open(ctx, key))
	})
	run("sdk-single-get", func() (int64, error) {
		out, err := e.client.GetObject(ctx, &sdk.GetObjectInput{Bucket: &e.bucket, Key: aws.String(key)})
		if err != nil {
			return 0, err
		}
		defer out.Body.Close()
		return io.Copy(io.Discard, out.Body)
	})
	run("sdk-transfermanager-getobject", func() (int64, error) {
		out, err := e.tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: &e.bucket, Key: aws.String(key)})
		if err != nil {
			return 0, err
		}
		return io.Copy(io.Discard, out.Body)
	})
	run("sdk-transfermanager-downloadobject", func() (int64, error) {
		out, err := e.tm.DownloadObject(ctx, &transfermanager.DownloadObjectInput{Bucket: &e.bucket, Key: aws.String(key), WriterAt: discardAt{}})
		if err != nil {
			return 0, err
		}
		return aws.ToInt64(out.ContentLength), nil
	})
	run("gocloud", func() (int64, error) {
		return benchmetrics.Drain(e.gc.NewReader(ctx, key, nil))
	})
}

// BenchmarkSmall: 4 KiB Save, Open (and read) and Stat.
func BenchmarkSmall(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789abcdef"), 256)
	const key = "small.bin"
	if _, err := e.st.Save(ctx, key, bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	b.Run("save/driver", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.st.Save(ctx, "s-driver", bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream", Conflict: storage.Overwrite}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save/sdk", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.client.PutObject(ctx, &sdk.PutObjectInput{Bucket: &e.bucket, Key: aws.String("s-sdk"), Body: bytes.NewReader(data),
				ContentType: aws.String("application/octet-stream")}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save/gocloud", func(b *testing.B) {
		for b.Loop() {
			if err := e.gc.WriteAll(ctx, "s-gocloud", data, &blob.WriterOptions{ContentType: "application/octet-stream"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open/driver", func(b *testing.B) {
		for b.Loop() {
			r, err := e.st.Open(ctx, key)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
	b.Run("open/sdk", func(b *testing.B) {
		for b.Loop() {
			out, err := e.client.GetObject(ctx, &sdk.GetObjectInput{Bucket: &e.bucket, Key: aws.String(key)})
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, out.Body)
			out.Body.Close()
		}
	})
	b.Run("open/gocloud", func(b *testing.B) {
		for b.Loop() {
			r, err := e.gc.NewReader(ctx, key, nil)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r)
			r.Close()
		}
	})
	b.Run("stat/driver", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.st.Stat(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stat/sdk", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.client.HeadObject(ctx, &sdk.HeadObjectInput{Bucket: &e.bucket, Key: aws.String(key)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stat/gocloud", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.gc.Attributes(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// throttleProxy forwards TCP connections to target, capping each
// connection's server-to-client bandwidth at bytesPerSec: a model of S3,
// where one connection carries far less than the host's bandwidth. On
// loopback with 2 cores one stream is bound by CPU instead, and parallel
// ranged GETs cannot win there.
func throttleProxy(b *testing.B, target string, bytesPerSec int) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	b.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { io.Copy(s, c); s.(*net.TCPConn).CloseWrite() }()
				lim := rate.NewLimiter(rate.Limit(bytesPerSec), 64<<10)
				buf := make([]byte, 64<<10)
				for {
					n, err := s.Read(buf)
					if n > 0 {
						lim.WaitN(context.Background(), n)
						if _, werr := c.Write(buf[:n]); werr != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// BenchmarkDownloadThrottled: 256 MiB through connections capped at
// 64 MB/s each: this driver's parallel ranged GETs against one GET.
func BenchmarkDownloadThrottled(b *testing.B) {
	const size = 256 << 20
	e := benchSetup(b)
	ctx := context.Background()
	const key = "down.bin"
	if _, err := e.st.Save(ctx, key, genFile(b, size), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		b.Fatal(err)
	}
	_, env := admin(b)
	u, _ := url.Parse(env.Endpoint)
	cfg := config(b, e.bucket)
	cfg.Endpoint = throttleProxy(b, u.Host, 64e6)
	st := newStorage(b, cfg)
	client := sdk.New(sdk.Options{
		Region:       env.Region,
		BaseEndpoint: aws.String(cfg.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(env.AccessKey, env.SecretKey, ""),
	})
	b.Run("driver", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			r, err := st.Open(ctx, key)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, r); err != nil || n != size {
				b.Fatal(n, err)
			}
			r.Close()
		}
	})
	b.Run("sdk-single-get", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			out, err := client.GetObject(ctx, &sdk.GetObjectInput{Bucket: &e.bucket, Key: aws.String(key)})
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, out.Body); err != nil || n != size {
				b.Fatal(n, err)
			}
			out.Body.Close()
		}
	})
}
