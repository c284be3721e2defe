package gcs_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	gcssdk "cloud.google.com/go/storage"
	"google.golang.org/api/option"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/objtest"
)

// pattern returns n deterministic bytes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// unknownSize hides the length of r from the portable layer.
type unknownSize struct{ r io.Reader }

func (u unknownSize) Read(p []byte) (int, error) { return u.r.Read(p) }

// hookReader calls hook once after n bytes were read.
type hookReader struct {
	r    io.Reader
	n    int
	read int
	hook func()
}

func (h *hookReader) Read(p []byte) (int, error) {
	if h.hook != nil && h.read >= h.n {
		h.hook()
		h.hook = nil
	}
	if h.hook != nil && len(p) > h.n-h.read {
		p = p[:h.n-h.read]
	}
	n, err := h.r.Read(p)
	h.read += n
	return n, err
}

func expectMissing(t *testing.T, st *storage.Storage, name string) {
	t.Helper()
	if _, err := st.Stat(context.Background(), name); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat(%s) = %v, want ErrNotExist", name, err)
	}
}

func expectData(t *testing.T, st *storage.Storage, name string, want []byte) {
	t.Helper()
	if got := objtest.ReadAll(t, st, name); !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes, want %d (equal: %v)", name, len(got), len(want), bytes.Equal(got, want))
	}
}

// hashTransport records the X-Goog-Hash header of upload requests.
type hashTransport struct {
	rt      http.RoundTripper
	mu      sync.Mutex
	uploads int
	hashes  []string
}

func (h *hashTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/upload/") && r.URL.Query().Get("upload_id") != "" {
		h.mu.Lock()
		h.uploads++
		if v := r.Header.Get("X-Goog-Hash"); v != "" {
			h.hashes = append(h.hashes, v)
		}
		h.mu.Unlock()
	}
	return h.rt.RoundTrip(r)
}

// TestStreamingUploadSendsCRC32C streams an object of unknown size through a
// resumable upload of 256 KiB chunks: the CRC32C computed while streaming is
// sent with the final request and matches the stored object.
func TestStreamingUploadSendsCRC32C(t *testing.T) {
	e := env(t)
	ht := &hashTransport{rt: http.DefaultTransport}
	cfg := e.config()
	cfg.ChunkSize = gcs.MinChunkSize
	cfg.ClientOptions = []option.ClientOption{option.WithHTTPClient(&http.Client{Transport: ht})}
	st := newStorage(t, cfg)
	data := pattern(3<<20 + 12345)
	name, err := st.Save(t.Context(), "big/stream.bin", unknownSize{bytes.NewReader(data)}, storage.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	md := md5.Sum(data)
	if a.Size != int64(len(data)) || !bytes.Equal(a.Checksums.CRC32C, []byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)}) || !bytes.Equal(a.Checksums.MD5, md[:]) {
		t.Fatalf("stored size %d crc %x md5 %x; want %d %08x %x", a.Size, a.Checksums.CRC32C, a.Checksums.MD5, len(data), crc, md)
	}
	if ht.uploads < 10 {
		t.Fatalf("%d upload requests for %d bytes in 256 KiB chunks", ht.uploads, len(data))
	}
	if len(ht.hashes) != 1 || !strings.HasPrefix(ht.hashes[0], "crc32c=") {
		t.Fatalf("X-Goog-Hash headers sent: %q, want one crc32c on the final request", ht.hashes)
	}
	expectData(t, st, name, data)
}

// TestCancelledUploadLeavesNothing cancels a multi-chunk upload in the
// middle: no object appears and the previous version stays.
func TestCancelledUploadLeavesNothing(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	for _, previous := range []bool{false, true} {
		name := "cancel/new.bin"
		if previous {
			name = "cancel/old.bin"
			saveString(t, st, name, "previous")
		}
		ctx, cancel := context.WithCancel(t.Context())
		r := &hookReader{r: bytes.NewReader(pattern(3 << 20)), n: 1 << 20, hook: cancel}
		_, err := st.Save(ctx, name, unknownSize{r}, storage.SaveOptions{
			Conflict: storage.Overwrite, DriverOptions: &gcs.SaveOptions{ChunkSize: gcs.MinChunkSize}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Save: %v", err)
		}
		if previous {
			expectContent(t, st, name, "previous")
		} else {
			expectMissing(t, st, name)
		}
	}
}

// TestBeforeCommitErrorLeavesNothing fails BeforeCommit after the whole body
// was sent, for an object sent in one request and for a multi-chunk stream.
func TestBeforeCommitErrorLeavesNothing(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	drv := driverof.Get(st).(*gcs.Driver)
	prefix := fullName(st, "")
	boom := errors.New("boom")
	for _, size := range []int{1000, 2<<20 + 1} {
		name := prefix + "bc/obj.bin"
		called := 0
		err := drv.Write(t.Context(), name, unknownSize{bytes.NewReader(pattern(size))}, &storage.WriteOptions{
			Size: -1, DriverOptions: &gcs.SaveOptions{ChunkSize: gcs.MinChunkSize},
			BeforeCommit: func() error { called++; return boom },
		})
		if !errors.Is(err, boom) || called != 1 {
			t.Fatalf("size %d: Write = %v, BeforeCommit called %d times", size, err, called)
		}
		if _, err := drv.Stat(t.Context(), name); !errors.Is(drv.ErrorKind(err), storage.ErrNotExist) {
			t.Fatalf("size %d: object after a failed BeforeCommit: %v", size, err)
		}
	}
	// Through the portable layer: a checksum mismatch stores nothing.
	_, err := st.Save(t.Context(), "bc/sum.bin", unknownSize{bytes.NewReader(pattern(2 << 20))}, storage.SaveOptions{
		Checksums: storage.Checksums{MD5: make([]byte, 16)}, DriverOptions: &gcs.SaveOptions{ChunkSize: gcs.MinChunkSize}})
	if !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("checksum mismatch: %v", err)
	}
	expectMissing(t, st, "bc/sum.bin")
}

// TestConflictRaceAtCommit loses the conditional create at commit (another
// writer takes the name after the body was read): the exclusive write
// fails with ErrExist and keeps the other writer's object, for an object
// sent in one request and for a multi-chunk stream; through Storage the
// Rename policy then sends the stream again under a new name.
func TestConflictRaceAtCommit(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	drv := driverof.Get(st).(*gcs.Driver)
	for _, size := range []int{4, 2 << 20} {
		name := fullName(st, fmt.Sprintf("race/%d.bin", size))
		err := drv.Write(t.Context(), name, unknownSize{bytes.NewReader(pattern(size))}, &storage.WriteOptions{
			Size: -1, Exclusive: true, DriverOptions: &gcs.SaveOptions{ChunkSize: gcs.MinChunkSize},
			BeforeCommit: func() error {
				return drv.Write(t.Context(), name, strings.NewReader("theirs"), &storage.WriteOptions{Size: 6})
			},
		})
		if !errors.Is(drv.ErrorKind(err), storage.ErrExist) {
			t.Fatalf("size %d: Write = %v, want ErrExist", size, err)
		}
		expectContent(t, st, fmt.Sprintf("race/%d.bin", size), "theirs")
	}
	data := pattern(2 << 20)
	r := &hookReader{r: bytes.NewReader(data), n: 1 << 20, hook: func() { saveString(t, st, "race/large.bin", "theirs") }}
	name, err := st.Save(t.Context(), "race/large.bin", unknownSize{r}, storage.SaveOptions{
		Conflict: storage.Rename, DriverOptions: &gcs.SaveOptions{ChunkSize: gcs.MinChunkSize}})
	if err != nil || !strings.HasPrefix(name, "race/large_") {
		t.Fatalf("Save(Rename) racing another writer: %q, %v; want a new name", name, err)
	}
	expectContent(t, st, "race/large.bin", "theirs")
	expectData(t, st, name, data)
}

// TestReadRequests counts requests: Open sends the metadata and the
// download request (concurrently) and nothing more for a small object;
// ReadRange is one ranged request without metadata request; small ReadAt
// calls at increasing offsets share one block request.
func TestReadRequests(t *testing.T) {
	e := env(t)
	cfg, ct := countedConfig(e)
	st := newStorage(t, cfg)
	data := pattern(200_000)
	if _, err := st.Save(t.Context(), "r/obj.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	ct.reset()
	r, err := st.Open(t.Context(), "r/obj.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	if n := ct.n.Load(); n != 2 {
		t.Fatalf("Open and read: %d requests, want 2:\n%s", n, ct.log())
	}
	ct.reset()
	buf := make([]byte, 10)
	for off := int64(1000); off < 1000+10*100; off += 10 {
		if _, err := r.ReadAt(buf, off); err != nil || !bytes.Equal(buf, data[off:off+10]) {
			t.Fatalf("ReadAt(%d): %v", off, err)
		}
	}
	if n := ct.n.Load(); n != 1 {
		t.Fatalf("100 small ReadAt calls: %d requests, want 1:\n%s", n, ct.log())
	}
	ct.reset()
	rr, err := st.ReadRange(t.Context(), "r/obj.bin", 5000, 100)
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(rr)
	rr.Close()
	if err != nil || !bytes.Equal(got, data[5000:5100]) {
		t.Fatalf("ReadRange: %d bytes, %v", len(got), err)
	}
	if n, ranged := ct.n.Load(), ct.ranged.Load(); n != 1 || ranged != 1 {
		t.Fatalf("ReadRange: %d requests (%d ranged), want 1:\n%s", n, ranged, ct.log())
	}
	rr, err = st.ReadRange(t.Context(), "r/obj.bin", int64(len(data))+10, 5)
	if err != nil {
		t.Fatalf("ReadRange past the end: %v", err)
	}
	if got, err := io.ReadAll(rr); err != nil || len(got) != 0 {
		t.Fatalf("ReadRange past the end: %q, %v", got, err)
	}
	rr.Close()
}

// TestParallelDownload copies a reader with io.Copy: the portable reader
// fetches the object as parallel ranged requests of DownloadPartSize.
func TestParallelDownload(t *testing.T) {
	e := env(t)
	cfg, ct := countedConfig(e)
	cfg.DownloadPartSize = 256 << 10
	cfg.DownloadConcurrency = 3
	st := newStorage(t, cfg)
	data := pattern(5<<20 + 17)
	if _, err := st.Save(t.Context(), "p/big.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Open(t.Context(), "p/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ct.reset()
	var out bytes.Buffer
	n, err := io.Copy(&out, r)
	if err != nil || n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("io.Copy: %d, %v (equal %v)", n, err, bytes.Equal(out.Bytes(), data))
	}
	// The stream Open opened serves the first part; every other part is
	// one ranged request.
	if want := int64((len(data)+256<<10-1)/(256<<10)) - 1; ct.ranged.Load() != want {
		t.Fatalf("%d ranged requests, want %d", ct.ranged.Load(), want)
	}
	// A cancelled context stops the parallel download with its error.
	ctx, cancel := context.WithCancel(t.Context())
	r2, err := st.Open(ctx, "p/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	cancel()
	if _, err := io.Copy(io.Discard, r2); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled parallel download: %v", err)
	}
}

// TestCopyLargeObject copies with the server-side rewrite and keeps the
// attributes.
func TestCopyLargeObject(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	data := pattern(24 << 20)
	opts := storage.SaveOptions{ContentType: "application/x-test", CacheControl: "max-age=60", ContentDisposition: "attachment",
		ContentLanguage: "fr", Metadata: map[string]string{"owner": "me"}}
	if _, err := st.Save(t.Context(), "c/src.bin", bytes.NewReader(data), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Copy(t.Context(), "c/dst.bin", "c/src.bin", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	src, err := st.Stat(t.Context(), "c/src.bin")
	if err != nil {
		t.Fatal(err)
	}
	dst, err := st.Stat(t.Context(), "c/dst.bin")
	if err != nil {
		t.Fatal(err)
	}
	if dst.Size != src.Size || !bytes.Equal(dst.Checksums.CRC32C, src.Checksums.CRC32C) || dst.ContentType != opts.ContentType ||
		dst.CacheControl != opts.CacheControl || dst.ContentDisposition != opts.ContentDisposition || dst.ContentLanguage != "fr" ||
		dst.Metadata["owner"] != "me" {
		t.Fatalf("copy attributes %+v, source %+v", dst, src)
	}
	expectData(t, st, "c/dst.bin", data)
	if _, err := st.Copy(t.Context(), "c/x.bin", "c/missing.bin", storage.CopyOptions{Conflict: storage.Overwrite}); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Copy of a missing object: %v", err)
	}
}

// TestPublicACL checks the object ACL the service stores: private by
// default, allUsers:READER with Public or Config.Public.
func TestPublicACL(t *testing.T) {
	e := env(t)
	isPublic := func(st *storage.Storage, name string) bool {
		t.Helper()
		rules, err := driverof.Get(st).(*gcs.Driver).Bucket().Object(fullName(st, name)).ACL().List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			if r.Entity == gcssdk.AllUsers && r.Role == gcssdk.RoleReader {
				return true
			}
		}
		return false
	}
	st := newStorage(t, e.config())
	saveString(t, st, "private.txt", "p")
	if _, err := st.Save(t.Context(), "public.txt", strings.NewReader("p"), storage.SaveOptions{Public: true}); err != nil {
		t.Fatal(err)
	}
	if isPublic(st, "private.txt") || !isPublic(st, "public.txt") {
		t.Fatalf("private.txt public: %v; public.txt public: %v", isPublic(st, "private.txt"), isPublic(st, "public.txt"))
	}
	cfg := e.config()
	cfg.Public = true
	pub := newStorage(t, cfg)
	saveString(t, pub, "default.txt", "p")
	if !isPublic(pub, "default.txt") {
		t.Fatal("Config.Public did not make the object public")
	}
	// The public URL is the emulator's object URL and serves the bytes.
	u, err := st.URL("public.txt")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := fetch(t, http.DefaultClient, http.MethodGet, u, nil, nil); code != 200 || string(body) != "p" {
		t.Fatalf("GET %s: %d %q", u, code, body)
	}
}

// TestBudgetBoundsUploads holds the whole budget with one upload: a second
// upload sharing the budget waits, and gives up with its context.
func TestBudgetBoundsUploads(t *testing.T) {
	e := env(t)
	cfg := e.config()
	cfg.Budget = storage.NewBudget(storage.MinBudgetSize)
	cfg.ChunkSize = storage.MinBudgetSize // the first upload reserves read-ahead + chunk, capped at the whole budget
	st := newStorage(t, cfg)
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		r := &hookReader{r: bytes.NewReader(pattern(3 << 20)), n: 2 << 20, hook: func() { close(started); <-release }}
		_, err := st.Save(t.Context(), "budget/first.bin", unknownSize{r}, storage.SaveOptions{})
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := st.Save(ctx, "budget/second.txt", strings.NewReader("waits"), storage.SaveOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("upload beyond the budget: %v, want DeadlineExceeded", err)
	}
	expectMissing(t, st, "budget/second.txt")
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	saveString(t, st, "budget/second.txt", "fits now")
}

// TestDriverOptions stores a storage class given in SaveOptions.
func TestDriverOptions(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	if _, err := st.Save(t.Context(), "cold.txt", strings.NewReader("c"), storage.SaveOptions{
		DriverOptions: &gcs.SaveOptions{StorageClass: "NEARLINE"}}); err != nil {
		t.Fatal(err)
	}
	a, err := driverof.Get(st).(*gcs.Driver).Bucket().Object(fullName(st, "cold.txt")).Attrs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if a.StorageClass != "NEARLINE" {
		t.Fatalf("storage class %q", a.StorageClass)
	}
	_, err = st.Save(t.Context(), "x.txt", strings.NewReader("c"), storage.SaveOptions{DriverOptions: gcs.SaveOptions{}})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("DriverOptions by value: %v, want ErrInvalidArgument", err)
	}
}

// TestEmulatorFromEnvironment uses STORAGE_EMULATOR_HOST, as the SDK does.
func TestEmulatorFromEnvironment(t *testing.T) {
	e := env(t)
	t.Setenv("STORAGE_EMULATOR_HOST", e.host)
	st, err := gcs.New(t.Context(), gcs.Config{Bucket: e.bucket})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	name := newPrefix() + "/env.txt"
	saveString(t, st, name, "via env")
	defer st.Delete(context.Background(), name)
	expectContent(t, st, name, "via env")
	// A bucket not declared public has no public URL without a base URL.
	if u, err := st.URL(name); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("URL of a private bucket without a base URL: %q, %v", u, err)
	}
	pub, err := gcs.New(t.Context(), gcs.Config{Bucket: e.bucket, PublicBucket: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	u, _ := pub.URL(name)
	if !strings.HasPrefix(u, "http://"+e.host+"/"+e.bucket+"/") {
		t.Fatalf("URL %s", u)
	}
	if c := st.Capabilities(); c.SignedURL {
		t.Fatalf("emulator without a key: %+v", c)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := t.Context()
	if _, err := gcs.NewDriver(ctx, gcs.Config{}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("no bucket: %v", err)
	}
	if _, err := gcs.NewDriver(ctx, gcs.Config{Bucket: "b", Emulator: true, Endpoint: "http://127.0.0.1:1", ServiceAccountJSON: []byte("{")}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("bad key JSON: %v", err)
	}
	if _, err := gcs.NewDriver(ctx, gcs.Config{Bucket: "b", Emulator: true, Endpoint: "http://127.0.0.1:1", ServiceAccountJSON: []byte(`{"type":"authorized_user"}`)}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("user credentials as a service-account key: %v", err)
	}
	if _, err := gcs.NewDriver(ctx, gcs.Config{Bucket: "b", Emulator: true, Endpoint: "ftp://x"}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("ftp endpoint: %v", err)
	}
}

// TestGzipNoTransform: a gzip-encoded object is stored with the
// no-transform directive (added to the given Cache-Control, not repeated),
// so GCS serves its stored bytes to every request instead of decompressing
// it for clients that do not send "Accept-Encoding: gzip"; other encodings
// keep their Cache-Control as given.
func TestGzipNoTransform(t *testing.T) {
	st := newStorage(t, env(t).config())
	ctx := t.Context()
	for _, c := range []struct{ cc, enc, want string }{
		{"", "gzip", "no-transform"},
		{"public, max-age=60", "gzip", "public, max-age=60, no-transform"},
		{"No-Transform", "gzip", "No-Transform"},
		{"max-age=5", "GZIP", "max-age=5, no-transform"},
		{"max-age=5", "br", "max-age=5"},
		{"", "", ""},
	} {
		name, err := st.Save(ctx, "nt/x", strings.NewReader("data"), storage.SaveOptions{CacheControl: c.cc, ContentEncoding: c.enc, Conflict: storage.Overwrite})
		if err != nil {
			t.Fatal(err)
		}
		a, err := st.Stat(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if a.CacheControl != c.want || a.ContentEncoding != c.enc {
			t.Errorf("saved with Cache-Control %q and Content-Encoding %q: stored %q, %q; want Cache-Control %q", c.cc, c.enc, a.CacheControl, a.ContentEncoding, c.want)
		}
	}
}

// As hands out the SDK's bucket handle and client, and nothing else.
func TestAs(t *testing.T) {
	st := newStorage(t, env(t).config())
	objtest.As[*gcssdk.BucketHandle](t, st)
	objtest.As[*gcssdk.Client](t, st)
}
