package azure_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/objtest"
)

func randBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand32{}, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// rand32 is a cheap pseudo-random source for large test bodies.
type rand32 struct{}

var seed uint64 = 0x9E3779B97F4A7C15

func (rand32) Read(p []byte) (int, error) {
	for i := range p {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		p[i] = byte(seed)
	}
	return len(p), nil
}

// onlyReader hides every method but Read (no size, no seeking).
type onlyReader struct{ io.Reader }

func TestRoundTripSmallAndHeaders(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	opts := storage.SaveOptions{
		ContentType: "text/plain; charset=utf-8", CacheControl: "max-age=60", ContentDisposition: "attachment",
		ContentEncoding: "identity", ContentLanguage: "fr",
		Metadata: map[string]string{"owner": "ada", "Note_2": "  héllo wörld  ", "raw": "=?utf-8?q?x?="},
	}
	name, err := st.Save(ctx, "dir/hello.txt", strings.NewReader("hello"), opts)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != 5 || a.ContentType != opts.ContentType || a.CacheControl != opts.CacheControl ||
		a.ContentDisposition != opts.ContentDisposition || a.ContentEncoding != opts.ContentEncoding || a.ContentLanguage != opts.ContentLanguage {
		t.Fatalf("attributes: %+v", a)
	}
	want := map[string]string{"owner": "ada", "note_2": "  héllo wörld  ", "raw": "=?utf-8?q?x?="}
	for k, v := range want {
		if a.Metadata[k] != v {
			t.Errorf("metadata %q = %q, want %q (all: %q)", k, a.Metadata[k], v, a.Metadata)
		}
	}
	if len(a.Checksums.MD5) != 16 {
		t.Errorf("no MD5: %+v", a.Checksums)
	}
	r, err := st.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read %q, %v", b, err)
	}
	if r.Attributes().Metadata["note_2"] != want["note_2"] {
		t.Errorf("open metadata: %q", r.Attributes().Metadata)
	}
}

func TestMetadataKeyWithDash(t *testing.T) {
	// Default: encoded, round-trips.
	st := newStorage(t, azure.Config{})
	meta := map[string]string{"x-trace_id": "1", "9lives": "2", "__dunder": "3", "plain_key": "4", "gost_crc32c": "5"}
	name, err := st.Save(t.Context(), "k.txt", strings.NewReader("x"), storage.SaveOptions{Metadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range meta {
		if a.Metadata[k] != v {
			t.Errorf("metadata %q = %q (all: %q)", k, a.Metadata[k], a.Metadata)
		}
	}
	if len(a.Metadata) != len(meta) {
		t.Errorf("metadata %q", a.Metadata)
	}
	// Strict: refused, naming the key.
	st = newStorage(t, azure.Config{StrictMetadataKeys: true})
	_, err = st.Save(t.Context(), "m.txt", strings.NewReader("x"), storage.SaveOptions{Metadata: map[string]string{"x-trace": "1"}})
	if !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), `"x-trace"`) {
		t.Fatalf("got %v, want ErrInvalidArgument naming the key", err)
	}
	if ok, _ := st.Exists(t.Context(), "m.txt"); ok {
		t.Fatal("object stored despite the error")
	}
}

func TestPublicUnsupported(t *testing.T) {
	st := newStorage(t, azure.Config{})
	_, err := st.Save(t.Context(), "p.txt", strings.NewReader("x"), storage.SaveOptions{Public: true})
	if !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("got %v", err)
	}
	if st.Capabilities().PublicObjects {
		t.Fatal("PublicObjects declared")
	}
	// The driver itself refuses too, with a message that says why.
	err = driverof.Get(st).Write(t.Context(), "p.txt", strings.NewReader("x"), &storage.WriteOptions{Public: true, Size: 1})
	if !errors.Is(err, storage.ErrUnsupported) || !strings.Contains(err.Error(), "no per-blob ACL") {
		t.Fatalf("got %v", err)
	}
}

func TestDriverOptions(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{DriverOptions: "cool"}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("wrong type: %v", err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{DriverOptions: &azure.SaveOptions{AccessTier: "Lukewarm"}}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("bad tier: %v", err)
	}
	name, err := st.Save(ctx, "cool.txt", strings.NewReader("x"), storage.SaveOptions{DriverOptions: &azure.SaveOptions{AccessTier: blob.AccessTierCool}})
	if err != nil {
		t.Fatal(err)
	}
	drv := driverof.Get(st).(*azure.Driver)
	p, err := drv.ContainerClient().NewBlobClient(locationOf(t, st, name)).GetProperties(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.AccessTier == nil || *p.AccessTier != string(blob.AccessTierCool) {
		t.Fatalf("tier %v", p.AccessTier)
	}
}

// locationOf returns the full blob name of name (with the location prefix).
func locationOf(t testing.TB, st *storage.Storage, name string) string {
	t.Helper()
	loc, ok := locations.Load(st)
	if !ok {
		t.Fatal("locationOf: the storage was not made by newStorage")
	}
	return loc.(string) + "/" + name
}

// TestLargeStreamStaged uploads a stream of several blocks and reads it back
// through the parallel download.
func TestLargeStreamStaged(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10, Concurrency: 3, DownloadConcurrency: 3})
	ctx := t.Context()
	data := randBytes(t, 5<<20+123)
	name, err := st.Save(ctx, "big.bin", onlyReader{bytes.NewReader(data)}, storage.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkContent(t, st, name, data)
	// Ranged reads.
	rr, err := st.ReadRange(ctx, name, 300<<10, 1000)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rr)
	rr.Close()
	if !bytes.Equal(part, data[300<<10:300<<10+1000]) {
		t.Fatal("range differs")
	}
	// Known-size stream (size hint) of several blocks.
	name2, err := st.Save(ctx, "big2.bin", onlyReader{bytes.NewReader(data)}, storage.SaveOptions{Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	checkContent(t, st, name2, data)
	checkSums(t, st, name, data)
	checkSums(t, st, name2, data)
}

// checkSums checks that Stat reports at least one checksum of name and that
// each is right, and that the checksum's metadata entry stays hidden.
func checkSums(t *testing.T, st *storage.Storage, name string, data []byte) {
	t.Helper()
	a, err := st.Stat(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	c := a.Checksums
	if c.MD5 == nil && c.CRC32C == nil {
		t.Fatalf("%s: no checksum", name)
	}
	if sum := md5.Sum(data); c.MD5 != nil && !bytes.Equal(c.MD5, sum[:]) {
		t.Fatalf("%s: MD5 %x, want %x", name, c.MD5, sum)
	}
	want := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	if c.CRC32C != nil && binary.BigEndian.Uint32(c.CRC32C) != want {
		t.Fatalf("%s: CRC32C %x, want %08x", name, c.CRC32C, want)
	}
	if len(a.Metadata) != 0 {
		t.Fatalf("%s: metadata %q", name, a.Metadata)
	}
}

// checkContent checks that name holds want, read both ways: through Read
// (one stream) and through WriteTo (the parallel download, in ranges).
func checkContent(t *testing.T, st *storage.Storage, name string, want []byte) {
	t.Helper()
	for _, way := range []string{"Read", "WriteTo"} {
		r, err := st.Open(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if way == "Read" {
			_, err = io.Copy(h, onlyReader{r})
		} else {
			_, err = r.WriteTo(h)
		}
		r.Close()
		if err != nil {
			t.Fatalf("%s through %s: %v", name, way, err)
		}
		if sum := sha256.Sum256(want); !bytes.Equal(h.Sum(nil), sum[:]) {
			t.Fatalf("%s: content read through %s differs from the %d bytes saved", name, way, len(want))
		}
	}
}

func TestFileUploadSections(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	ctx := t.Context()
	data := randBytes(t, 1<<20+7)
	path := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	name, err := st.Save(ctx, "f.bin", f, storage.SaveOptions{ContentType: "application/octet-stream"})
	if err != nil {
		t.Fatal(err)
	}
	checkContent(t, st, name, data[100:])
	checkSums(t, st, name, data[100:])
	// Rename policy with a file: the second save gets another name.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	name2, err := st.Save(ctx, "f.bin", f, storage.SaveOptions{ContentType: "application/octet-stream"})
	if err != nil || name2 == name {
		t.Fatalf("rename: %q, %v", name2, err)
	}
	checkContent(t, st, name2, data)
}

// failingReader yields n bytes, then an error.
type failingReader struct {
	r   io.Reader
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestFailedAndCancelledUploadsLeaveNothing(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	ctx := t.Context()
	boom := errors.New("boom")
	_, err := st.Save(ctx, "fail.bin", &failingReader{r: rand32{}, n: 1 << 20, err: boom}, storage.SaveOptions{})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	r := &failingReader{r: rand32{}, n: 1 << 20, err: nil}
	cr := readerFunc(func(p []byte) (int, error) {
		if r.n < 512<<10 {
			cancel()
		}
		n, err := r.Read(p)
		if err == nil && n == 0 {
			return 0, io.EOF
		}
		return n, err
	})
	_, err = st.Save(cctx, "cancel.bin", cr, storage.SaveOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	// Checksum mismatch over a staged upload: nothing visible either.
	_, err = st.Save(ctx, "sum.bin", onlyReader{bytes.NewReader(randBytes(t, 1<<20))}, storage.SaveOptions{Checksums: storage.Checksums{MD5: make([]byte, 16)}})
	if !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("got %v", err)
	}
	for _, n := range []string{"fail.bin", "cancel.bin", "sum.bin"} {
		if ok, err := st.Exists(ctx, n); ok || err != nil {
			t.Errorf("%s: exists=%v err=%v", n, ok, err)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestConflictPolicies(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	ctx := t.Context()
	for _, size := range []int{10, 600 << 10} {
		data := randBytes(t, size)
		name := "c.bin"
		if size > 100 {
			name = "big-c.bin"
		}
		if _, err := st.Save(ctx, name, onlyReader{bytes.NewReader(data)}, storage.SaveOptions{Conflict: storage.Fail}); err != nil {
			t.Fatal(err)
		}
		_, err := st.Save(ctx, name, onlyReader{bytes.NewReader(data)}, storage.SaveOptions{Conflict: storage.Fail})
		if !errors.Is(err, storage.ErrExist) || !errors.Is(err, fs.ErrExist) {
			t.Fatalf("size %d: fail policy: %v", size, err)
		}
		other, err := st.Save(ctx, name, onlyReader{bytes.NewReader(data)}, storage.SaveOptions{Conflict: storage.Rename})
		if err != nil || other == name {
			t.Fatalf("size %d: rename: %q %v", size, other, err)
		}
		checkContent(t, st, other, data)
		if _, err := st.Save(ctx, name, onlyReader{bytes.NewReader(data[:1])}, storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
			t.Fatal(err)
		}
		checkContent(t, st, name, data[:1])
	}
}

func TestErrorsMapped(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	_, err := st.Stat(ctx, "missing")
	if !errors.Is(err, storage.ErrNotExist) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stat: %v", err)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Fatalf("ResponseError not reachable: %v", err)
	}
	if _, err := st.Open(ctx, "missing"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("open: %v", err)
	}
	if err := st.Delete(ctx, "missing"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := st.Copy(ctx, "dst", "missing", storage.CopyOptions{Conflict: storage.Overwrite}); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("copy: %v", err)
	}
	// Wrong key: permission.
	e, _ := env(t)
	bad := newStorage(t, azure.Config{AccountName: e.AccountName, AccountKey: "AAAA" + e.AccountKey[4:], ServiceURL: e.BlobEndpoint})
	if _, err := bad.Stat(ctx, "x"); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("bad key: %v", err)
	}
	if _, err := bad.Save(ctx, "x", strings.NewReader("x"), storage.SaveOptions{}); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("bad key: %v", err)
	}
	// Missing container: not mapped to ErrNotExist.
	nc, err := azure.New(ctx, azure.Config{ConnectionString: e.ConnectionString, Container: "no-such-container-" + randHex(4)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Stat(ctx, "x"); err == nil || errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("missing container: %v", err)
	}
}

func TestCopyListAndDelete(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	opts := storage.SaveOptions{ContentType: "text/x-test", Metadata: map[string]string{"k": "v"}}
	for _, n := range []string{"a/1.txt", "a/2.txt", "a/b/3.txt", "c.txt"} {
		if _, err := st.Save(ctx, n, strings.NewReader(n), opts); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Copy(ctx, "copy/c.txt", "c.txt", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, "copy/c.txt")
	if err != nil || a.ContentType != "text/x-test" || a.Metadata["k"] != "v" || a.Size != 5 {
		t.Fatalf("copy attrs %+v %v", a, err)
	}
	var got []string
	for e, err := range st.List(ctx, "a/", storage.ListOptions{OneLevel: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Name)
	}
	if strings.Join(got, ",") != "a/1.txt,a/2.txt,a/b/" {
		t.Fatalf("one level: %v", got)
	}
	got = nil
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Name)
	}
	if strings.Join(got, ",") != "a/1.txt,a/2.txt,a/b/3.txt,c.txt,copy/c.txt" {
		t.Fatalf("flat: %v", got)
	}
	if err := st.Delete(ctx, "c.txt"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.Exists(ctx, "c.txt"); ok {
		t.Fatal("still there")
	}
}

func TestSignedURLs(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	name, err := st.Save(ctx, "s/ünï cødé+%.txt", strings.NewReader("secret"), storage.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.SignedURL(ctx, name, storage.SignOptions{Expiry: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if body, code := get(t, u); code != 200 || body != "secret" {
		t.Fatalf("GET signed: %d %q", code, body)
	}
	if _, code := get(t, strings.Replace(u, "sig=", "sig=A", 1)); code != http.StatusForbidden {
		t.Fatalf("tampered: %d", code)
	}
	// A SAS cannot require the upload's Content-Type: refused, not weakened.
	if _, err := st.SignedURL(ctx, "s/up.txt", storage.SignOptions{Method: http.MethodPut, ContentType: "text/plain"}); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("SignedURL(PUT, ContentType): %v, want ErrUnsupported", err)
	}
	pu, err := st.SignedURL(ctx, "s/up.txt", storage.SignOptions{Method: http.MethodPut})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, pu, strings.NewReader("uploaded"))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT signed: %s", resp.Status)
	}
	checkContent(t, st, "s/up.txt", []byte("uploaded"))
	// The GET URL does not grant PUT.
	req, _ = http.NewRequestWithContext(ctx, http.MethodPut, u, strings.NewReader("x"))
	req.Header.Set("x-ms-blob-type", "BlockBlob")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("PUT with GET URL: %s", resp.Status)
	}
	// Expired: signed an hour ago for a second (the clock seam).
	eu, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), name, storage.SignOptions{Expiry: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, code := get(t, eu); code != http.StatusForbidden {
		t.Fatalf("expired: %d", code)
	}
	// A private container has no public URL without a base URL, and
	// refuses the unsigned URL of the blob on the endpoint.
	if u, err := st.URL(name); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("URL of a private container without a base URL: %q, %v", u, err)
	}
	e, cont := env(t)
	declared, err := azure.New(ctx, azure.Config{ConnectionString: e.ConnectionString, Container: cont, PublicBucket: true}) // but it is not
	if err != nil {
		t.Fatal(err)
	}
	defer declared.Close()
	pub, err := declared.URL(locationOf(t, st, name))
	if err != nil {
		t.Fatal(err)
	}
	if _, code := get(t, pub); code == 200 {
		t.Fatalf("private GET %s: %d", pub, code)
	}
}

// TestPublicURL reads a blob of a public container (access level "blob")
// through its URL on the service endpoint.
func TestPublicURL(t *testing.T) {
	st := newStorage(t, azure.Config{Container: publicContainer(t), PublicBucket: true})
	name, err := st.Save(t.Context(), "dir/a b+ü.txt", strings.NewReader("public"), storage.SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := st.URL(name)
	if err != nil {
		t.Fatal(err)
	}
	if body, code := get(t, pub); code != 200 || body != "public" {
		t.Fatalf("public GET %s: %d %q", pub, code, body)
	}
}

func get(t *testing.T, u string) (string, int) {
	t.Helper()
	code, b, _ := objtest.Get(t, nil, u)
	return b, code
}

func TestCustomDomainBaseURL(t *testing.T) {
	st := newStorage(t, azure.Config{}, storage.WithBaseURL("https://cdn.example.com/media/"))
	u, err := st.URL("a b.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "https://cdn.example.com/media/t-") || !strings.HasSuffix(u, "/a%20b.txt") {
		t.Fatalf("url %s", u)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	t.Setenv(azure.EnvConnectionString, "")
	for _, cfg := range []azure.Config{
		{},
		{Container: "c"},
		{Container: "c", AccountKey: "k"},
		{Container: "c", ConnectionString: "x", BlockSize: 10},
		{Container: "c", ConnectionString: "x", Concurrency: -1},
		{Container: "c", ConnectionString: "x", DownloadConcurrency: -1},
		{Container: "c", ConnectionString: "x", AccessTier: "Tepid"},
	} {
		if _, err := azure.NewDriver(ctx, cfg); !errors.Is(err, storage.ErrInvalidArgument) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}

func TestEnvConnectionString(t *testing.T) {
	e, name := env(t)
	t.Setenv(azure.EnvConnectionString, e.ConnectionString)
	st, err := azure.New(t.Context(), azure.Config{Container: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(t.Context(), "nope-"+randHex(4)); !errors.Is(err, storage.ErrNotExist) {
		t.Fatal(err)
	}
	if !st.Capabilities().SignedURL {
		t.Fatal("connection string with a key should sign")
	}
}

// TestLostRaceAtCommit creates the name while a staged upload is running:
// the conditional commit fails and the exclusive write reports ErrExist,
// for a stream and for a file alike, keeping the other writer's blob;
// through Storage the Rename policy sends the body again under a new name
// (the file rewound, the stream from its spool).
func TestLostRaceAtCommit(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	drv := driverof.Get(st)
	ctx := t.Context()
	prefix := strings.TrimSuffix(locationOf(t, st, "x"), "x")
	data := randBytes(t, 1<<20)
	racer := func(name string) io.Reader {
		done := false
		src := bytes.NewReader(data)
		return readerFunc(func(p []byte) (int, error) {
			if !done && src.Len() < len(data)/2 {
				done = true
				if _, err := st.Save(ctx, name, strings.NewReader("first"), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
					return 0, err
				}
			}
			return src.Read(p)
		})
	}
	err := drv.Write(ctx, prefix+"race.bin", racer("race.bin"), &storage.WriteOptions{Size: -1, Exclusive: true})
	if !errors.Is(err, storage.ErrExist) && !errors.Is(drv.ErrorKind(err), storage.ErrExist) {
		t.Fatalf("stream: %v, want ErrExist", err)
	}
	checkContent(t, st, "race.bin", []byte("first"))
	name, err := st.Save(ctx, "race-stream.bin", racer("race-stream.bin"), storage.SaveOptions{Conflict: storage.Rename})
	if err != nil || !strings.HasPrefix(name, "race-stream_") {
		t.Fatalf("Save(Rename) of a stream racing another writer: %q, %v", name, err)
	}
	checkContent(t, st, name, data)
	checkContent(t, st, "race-stream.bin", []byte("first"))

	// A file: staged in sections read from it; the rival appears after
	// the name was found free and before the commit.
	path := filepath.Join(t.TempDir(), "race.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before := azure.UploadsFromInput(drv.(*azure.Driver))
	created := false
	err = drv.Write(ctx, prefix+"race-file.bin", f, &storage.WriteOptions{Size: -1, Exclusive: true, BeforeCommit: func() error {
		if !created {
			created = true
			_, err := st.Save(ctx, "race-file.bin", strings.NewReader("first"), storage.SaveOptions{Conflict: storage.Overwrite})
			return err
		}
		return nil
	}})
	if !errors.Is(err, storage.ErrExist) && !errors.Is(drv.ErrorKind(err), storage.ErrExist) {
		t.Fatalf("file: %v, want ErrExist", err)
	}
	if azure.UploadsFromInput(drv.(*azure.Driver)) != before+2 { // the file, and the rival's strings.Reader
		t.Fatal("the file was not staged in sections read from it")
	}
	checkContent(t, st, "race-file.bin", []byte("first"))
}

// TestReplacedWhileOpen: reads of a reader whose blob was replaced after
// Open never mix versions; they fail with ErrChanged (that version is gone).
func TestReplacedWhileOpen(t *testing.T) {
	st := newStorage(t, azure.Config{})
	ctx := t.Context()
	old := randBytes(t, 600<<10)
	if _, err := st.Save(ctx, "v.bin", bytes.NewReader(old), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Open(ctx, "v.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := st.Save(ctx, "v.bin", bytes.NewReader(randBytes(t, 600<<10)), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 10)
	if _, err := r.ReadAt(p, 300<<10); !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("ReadAt after replace: %v", err)
	}
	if _, err := r.Seek(500<<10, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(p); !errors.Is(err, storage.ErrChanged) {
		t.Fatalf("Read after seek and replace: %v", err)
	}
}

// TestNoGoroutineLeak: after uploads (completed, failed, cancelled) and
// parallel downloads (completed and abandoned), no goroutine of this package
// is left.
func TestNoGoroutineLeak(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 128 << 10, Concurrency: 3, DownloadConcurrency: 3})
	ctx := t.Context()
	data := randBytes(t, 1<<20)
	if _, err := st.Save(ctx, "g.bin", onlyReader{bytes.NewReader(data)}, storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	_, _ = st.Save(ctx, "g-fail.bin", &failingReader{r: rand32{}, n: 600 << 10, err: errors.New("boom")}, storage.SaveOptions{})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, _ = st.Save(cctx, "g-cancel.bin", onlyReader{bytes.NewReader(data)}, storage.SaveOptions{})
	r, err := st.Open(ctx, "g.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatal(err)
	}
	r.Close()
	// A download whose writer fails midway.
	r, err = st.Open(ctx, "g.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(&failWriter{n: 300 << 10}, r); err == nil {
		t.Fatal("copy to a failing writer succeeded")
	}
	r.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		leaked := 0
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "storage/azure.") && !strings.Contains(g, "TestNoGoroutineLeak") {
				leaked++
			}
		}
		if leaked == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of the driver left:\n%s", leaked, stacks)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestConcurrentFileOverwrites: Azure discards a blob's uncommitted blocks
// whenever one writer commits, so concurrent staged overwrites from files
// (read again after a lost commit) must all succeed, the blob ending as one
// of them, whole.
func TestConcurrentFileOverwrites(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10, Concurrency: 2})
	ctx := t.Context()
	const n = 5
	datas := make([][]byte, n)
	files := make([]*os.File, n)
	for i := range n {
		datas[i] = randBytes(t, 1<<20+i)
		p := filepath.Join(t.TempDir(), "f.bin")
		if err := os.WriteFile(p, datas[i], 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files[i] = f
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = st.Save(ctx, "shared.bin", files[i], storage.SaveOptions{Conflict: storage.Overwrite})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	got := objtest.ReadAll(t, st, "shared.bin")
	for i := range n {
		if bytes.Equal(got, datas[i]) {
			return
		}
	}
	t.Fatalf("the blob holds %d bytes that are no writer's whole file", len(got))
}
