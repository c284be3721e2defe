package soak_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	azruntime "github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"go.uber.org/goleak"
	"gocloud.dev/blob/azureblob"
	"gocloud.dev/blob/s3blob"
	"google.golang.org/api/option"

	gost "github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/faultproxy"
	"github.com/go-storages/storage/internal/soak"
	"github.com/go-storages/storage/s3"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// settings of a run, from the environment:
//
//	SOAK_OPS     operations per driver (default 640: the CI run)
//	SOAK_SEED    the seed (default 1); printed, replayable
//	SOAK_RATE    fraction of HTTP requests faulted (default 0.08)
//	SOAK_STALL   how long a stalled connection stays silent (default 2s)
type settings struct {
	ops   int
	seed  uint64
	rate  float64
	stall time.Duration
}

func runSettings(t *testing.T) settings {
	s := settings{ops: 640, seed: 1, rate: 0.08, stall: 2 * time.Second}
	if v := os.Getenv("SOAK_OPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("SOAK_OPS=%q: want a positive integer", v)
		}
		s.ops = n
	}
	if v := os.Getenv("SOAK_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("SOAK_SEED=%q: want an unsigned integer", v)
		}
		s.seed = n
	}
	if v := os.Getenv("SOAK_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || r > 1 {
			t.Fatalf("SOAK_RATE=%q: want 0..1", v)
		}
		s.rate = r
	}
	if v := os.Getenv("SOAK_STALL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_STALL=%q: want a duration", v)
		}
		s.stall = d
	}
	return s
}

// heapLimit bounds the peak heap of a run: 32 workers' buffers (small
// objects, upload parts within the drivers' budgets, download parts). The
// headroom is about 7 times the largest peak measured (141 MiB, S3, 10,000
// operations; GCS 23, Azure 29: README), so load and GC timing cannot
// reach it, while a defect that keeps one 8 MiB part buffer per operation
// crosses it after 128 operations of a 640-operation CI run.
const heapLimit = 1 << 30

// backend is one cloud service behind a fault proxy.
type backend struct {
	target  string
	dialect faultproxy.Dialect
	// build opens the driver on the proxy; hc, when set, is its HTTP
	// client (the soak's carries each operation's fault scope).
	build func(t *testing.T, proxyURL string, hc *http.Client) *gost.Storage
	large []int64 // sizes that take the multipart/chunked/staged path
	// commit reports whether a request commits an object (single or final
	// request of an upload): the requests TestCommitResponseLost faults.
	commit    func(r *http.Request) (large, ok bool)
	leftovers func(context.Context) (int, error)
	// bridge, when set, builds the gocloud bridge over gocloud.dev's
	// driver for the same bucket, through proxyURL.
	bridge func(t *testing.T, proxyURL string) *gost.Storage
}

func newProxy(t *testing.T, b *backend, cfg faultproxy.Config) *faultproxy.Proxy {
	cfg.Target, cfg.Dialect, cfg.RewriteHost = b.target, b.dialect, b.dialect == faultproxy.GCS
	p, err := faultproxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func runSoak(t *testing.T, b *backend) {
	s := runSettings(t)
	ignore := goleak.IgnoreCurrent()
	p := newProxy(t, b, faultproxy.Config{Seed: s.seed, Rate: s.rate, StallFor: s.stall, Latency: 100 * time.Millisecond})
	// Every request carries the scope of its operation (faultproxy.Transport),
	// so that the seed replays the same faults at 32-way concurrency.
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
	hc := &http.Client{Transport: faultproxy.Transport(tr)}
	st := b.build(t, p.URL, hc)
	t.Logf("soak: seed %d (replay with SOAK_SEED=%d), %d ops, fault rate %.2f, proxy %s -> %s", s.seed, s.seed, s.ops, s.rate, p.URL, b.target)
	rep, err := soak.Run(t.Context(), soak.Config{
		Storage: st, Proxy: p, Ops: s.ops, Concurrency: 32, Seed: s.seed,
		LargeSizes: b.large, SignedGET: true, HTTPClient: &http.Client{Transport: faultproxy.Transport(tr), Timeout: 2 * time.Minute},
		Leftovers: b.leftovers, Logf: t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	tr.CloseIdleConnections()
	if err := p.Close(); err != nil {
		t.Errorf("proxy Close: %v", err)
	}
	t.Logf("soak report:\n%s", rep)
	if rep.Violated() {
		t.Errorf("oracle violations: %v", rep.Violations)
	}
	if rep.MaxHeap > heapLimit {
		t.Errorf("peak heap %d MiB, over the %d MiB bound", rep.MaxHeap>>20, heapLimit>>20)
	}
	if err := goleak.Find(ignore); err != nil {
		t.Errorf("leaked goroutines: %v", err)
	}
}

// testCommitResponseLost: the service commits an object and the response
// is lost (reset, cut short, stalled, or a 500 after the commit as the
// proxy's ResetResponse/Truncate/Stall give it); the SDK retries. Save must
// report the commit it made, under the name it made it, with every
// conflict policy, and leave no second copy.
func testCommitResponseLost(t *testing.T, b *backend) {
	// The check must not take another writer's identical object for its
	// own: saving the same bytes twice, without faults, still conflicts.
	for _, large := range []bool{false, true} {
		t.Run(fmt.Sprintf("same-bytes-twice/large=%v", large), func(t *testing.T) {
			p := newProxy(t, b, faultproxy.Config{})
			defer p.Close()
			st := b.build(t, p.URL, nil)
			defer st.Close()
			ctx := t.Context()
			size := int64(1000)
			if large {
				size = b.large[0]
			}
			data := bytes.Repeat([]byte{'x'}, int(size))
			name := fmt.Sprintf("twice-%v/obj.bin", large)
			if _, err := st.Save(ctx, name, bytes.NewReader(data), gost.SaveOptions{Conflict: gost.Fail}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Save(ctx, name, bytes.NewReader(data), gost.SaveOptions{Conflict: gost.Fail}); !errors.Is(err, gost.ErrExist) {
				t.Fatalf("second Save of the same bytes with Fail: %v, want ErrExist", err)
			}
			other, err := st.Save(ctx, name, io.MultiReader(bytes.NewReader(data)), gost.SaveOptions{Conflict: gost.Rename})
			if err != nil || other == name {
				t.Fatalf("Save of the same bytes with Rename: %q, %v; want a new name", other, err)
			}
			_ = st.Delete(ctx, name)
			_ = st.Delete(ctx, other)
		})
	}
	for _, kind := range []faultproxy.Kind{faultproxy.ResetResponse, faultproxy.Stall} {
		for _, large := range []bool{false, true} {
			for _, policy := range []gost.ConflictPolicy{gost.Rename, gost.Fail, gost.Overwrite} {
				t.Run(fmt.Sprintf("%v/large=%v/%v", kind, large, policy), func(t *testing.T) {
					var faulted atomic.Bool
					p := newProxy(t, b, faultproxy.Config{Rate: 1, Kinds: []faultproxy.Kind{kind}, StallFor: 200 * time.Millisecond,
						Skip: func(r *http.Request) bool {
							l, ok := b.commit(r)
							return !ok || l != large || !faulted.CompareAndSwap(false, true)
						}})
					defer p.Close()
					st := b.build(t, p.URL, nil)
					defer st.Close()
					ctx := t.Context()
					size := int64(1000)
					if large {
						size = b.large[0]
					}
					data := make([]byte, size)
					for i := range data {
						data[i] = byte(i*31 + 7)
					}
					prefix := fmt.Sprintf("lost-%v-%v-%v/", kind, large, policy)
					name := prefix + "obj.bin"
					// A stream (not seekable) for the large case: the path that
					// cannot send the bytes again.
					var r io.Reader = bytes.NewReader(data)
					if large {
						r = io.MultiReader(bytes.NewReader(data))
					}
					got, err := st.Save(ctx, name, r, gost.SaveOptions{Conflict: policy, ContentType: "application/octet-stream"})
					if !faulted.Load() {
						t.Fatalf("no commit request was faulted (err %v)", err)
					}
					if err != nil {
						t.Fatalf("Save whose commit took effect failed: %v", err)
					}
					if got != name {
						t.Fatalf("Save returned %q, want %q", got, name)
					}
					var names []string
					for e, err := range st.List(ctx, prefix, gost.ListOptions{}) {
						if err != nil {
							t.Fatal(err)
						}
						names = append(names, e.Name)
					}
					if len(names) != 1 || names[0] != name {
						t.Fatalf("objects after the save: %q, want only %q", names, name)
					}
					rd, err := st.Open(ctx, name)
					if err != nil {
						t.Fatal(err)
					}
					defer rd.Close()
					back, err := io.ReadAll(rd)
					if err != nil || !bytes.Equal(back, data) {
						t.Fatalf("read back %d bytes, %v; want the %d saved", len(back), err, len(data))
					}
					_ = st.Delete(ctx, name)
				})
			}
		}
	}
}

func s3Backend(t *testing.T) *backend {
	env := emulator.S3(t)
	// The admin client's connections are closed after each use, so that
	// goleak sees none of them.
	adminTr := &http.Transport{}
	admin := awss3.New(awss3.Options{Region: env.Region, BaseEndpoint: aws.String(env.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(env.AccessKey, env.SecretKey, ""),
		HTTPClient:  &http.Client{Transport: adminTr}})
	bucket := emulator.UniqueName("gost-soak")
	ctx := t.Context()
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := admin.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	adminTr.CloseIdleConnections()
	t.Cleanup(func() { _, _ = admin.DeleteBucket(context.Background(), &awss3.DeleteBucketInput{Bucket: &bucket}) })
	return &backend{
		target: env.Endpoint, dialect: faultproxy.S3,
		build: func(t *testing.T, proxyURL string, hc *http.Client) *gost.Storage {
			st, err := s3.New(t.Context(), s3.Config{Bucket: bucket, Region: env.Region, Endpoint: proxyURL,
				AccessKeyID: env.AccessKey, SecretAccessKey: env.SecretKey, PartSize: s3.MinPartSize, HTTPClient: hc})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		bridge: func(t *testing.T, proxyURL string) *gost.Storage {
			c := awss3.New(awss3.Options{Region: env.Region, BaseEndpoint: aws.String(proxyURL), UsePathStyle: true,
				Credentials: credentials.NewStaticCredentialsProvider(env.AccessKey, env.SecretKey, "")})
			b, err := s3blob.OpenBucket(t.Context(), c, bucket, nil)
			if err != nil {
				t.Fatal(err)
			}
			st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "s3"})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		large: []int64{s3.MinPartSize + 1, 2*s3.MinPartSize + 12345},
		commit: func(r *http.Request) (bool, bool) {
			q := r.URL.Query()
			switch {
			case r.Method == http.MethodPut && !q.Has("uploadId") && r.Header.Get("X-Amz-Copy-Source") == "":
				return false, true
			case r.Method == http.MethodPost && q.Has("uploadId"):
				return true, true
			}
			return false, false
		},
		leftovers: func(ctx context.Context) (int, error) {
			defer adminTr.CloseIdleConnections()
			out, err := admin.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: &bucket})
			if err != nil {
				return 0, err
			}
			for _, u := range out.Uploads {
				t.Logf("incomplete multipart upload left: %s", aws.ToString(u.Key))
				_, _ = admin.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: &bucket, Key: u.Key, UploadId: u.UploadId})
			}
			return len(out.Uploads), nil
		},
	}
}

func gcsBackend(t *testing.T) *backend {
	env := emulator.GCS(t)
	ctx := t.Context()
	admin, err := storage.NewClient(ctx, option.WithEndpoint("http://"+env.Host+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	bucket := emulator.UniqueName("gost-soak")
	if err := admin.Bucket(bucket).Create(ctx, "gost-test", nil); err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyJSON, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_email": "signer@gost-test.iam.gserviceaccount.com",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"project_id":  "gost-test", "private_key_id": "test",
	})
	return &backend{
		target: "http://" + env.Host, dialect: faultproxy.GCS,
		build: func(t *testing.T, proxyURL string, hc *http.Client) *gost.Storage {
			var opts []option.ClientOption
			if hc != nil {
				opts = append(opts, option.WithHTTPClient(hc))
			}
			st, err := gcs.New(t.Context(), gcs.Config{Bucket: bucket, Endpoint: proxyURL + "/storage/v1/", Emulator: true,
				ServiceAccountJSON: keyJSON, ChunkSize: gcs.MinChunkSize, ClientOptions: opts})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		large: []int64{gcs.MinChunkSize + 1, 3*gcs.MinChunkSize + 12345},
		commit: func(r *http.Request) (bool, bool) {
			q := r.URL.Query()
			switch {
			case r.Method == http.MethodPost && q.Get("uploadType") == "multipart":
				return false, true
			case (r.Method == http.MethodPut || r.Method == http.MethodPost) && q.Has("upload_id"):
				// The final chunk states the total size.
				cr := r.Header.Get("Content-Range")
				return true, cr != "" && !strings.HasSuffix(cr, "/*")
			}
			return false, false
		},
	}
}

func azureBackend(t *testing.T) *backend {
	env := emulator.Azure(t)
	ctx := t.Context()
	svc, err := service.NewClientFromConnectionString(env.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctr := emulator.UniqueName("gost-soak")
	if _, err := svc.CreateContainer(ctx, ctr, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = svc.DeleteContainer(context.Background(), ctr, nil) })
	u, err := url.Parse(env.BlobEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	const block = 256 << 10
	return &backend{
		target: u.Scheme + "://" + u.Host, dialect: faultproxy.Azure,
		build: func(t *testing.T, proxyURL string, hc *http.Client) *gost.Storage {
			// One x-ms-client-request-id per call, kept by its retries,
			// so the proxy can count them.
			co := policy.ClientOptions{PerCallPolicies: []policy.Policy{azruntime.NewRequestIDPolicy()}}
			if hc != nil {
				co.Transport = hc
			}
			st, err := azure.New(t.Context(), azure.Config{Container: ctr, AccountName: env.AccountName, AccountKey: env.AccountKey,
				ServiceURL: proxyURL + u.Path, BlockSize: block, ClientOptions: &azblob.ClientOptions{ClientOptions: co}})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		bridge: func(t *testing.T, proxyURL string) *gost.Storage {
			cred, err := azblob.NewSharedKeyCredential(env.AccountName, env.AccountKey)
			if err != nil {
				t.Fatal(err)
			}
			c, err := container.NewClientWithSharedKeyCredential(proxyURL+u.Path+"/"+ctr, cred, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := azureblob.OpenBucket(t.Context(), c, nil)
			if err != nil {
				t.Fatal(err)
			}
			st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "azblob"})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		large: []int64{block + 1, 3*block + 12345},
		commit: func(r *http.Request) (bool, bool) {
			if r.Method != http.MethodPut {
				return false, false
			}
			switch r.URL.Query().Get("comp") {
			case "":
				return false, r.Header.Get("X-Ms-Copy-Source") == "" && r.Header.Get("X-Ms-Blob-Type") == "BlockBlob"
			case "blocklist":
				return true, true
			}
			return false, false
		},
	}
}

func TestSoakS3(t *testing.T)    { runSoak(t, s3Backend(t)) }
func TestSoakGCS(t *testing.T)   { runSoak(t, gcsBackend(t)) }
func TestSoakAzure(t *testing.T) { runSoak(t, azureBackend(t)) }

func TestCommitResponseLostS3(t *testing.T)    { testCommitResponseLost(t, s3Backend(t)) }
func TestCommitResponseLostGCS(t *testing.T)   { testCommitResponseLost(t, gcsBackend(t)) }
func TestCommitResponseLostAzure(t *testing.T) { testCommitResponseLost(t, azureBackend(t)) }
