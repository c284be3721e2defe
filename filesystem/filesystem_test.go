package filesystem_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/objtest"
)

func TestSaveOpenStatListDelete(t *testing.T) {
	for _, sidecars := range []bool{false, true} {
		t.Run(fmt.Sprintf("sidecars=%v", sidecars), func(t *testing.T) {
			testSaveOpenStatListDelete(t, sidecars)
		})
	}
}

func testSaveOpenStatListDelete(t *testing.T, sidecars bool) {
	st := newStorage(t, filesystem.Config{Sidecars: sidecars})
	ctx := context.Background()
	root := rootOf(st)

	mustSave(t, st, "img/logo.png", "png bytes", storage.SaveOptions{})
	mustSave(t, st, "docs/readme", "hello, world", storage.SaveOptions{
		CacheControl: "max-age=60",
		Metadata:     map[string]string{"Owner": "ann"},
	})

	a, err := st.Stat(ctx, "img/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	if a.Size != 9 || a.ContentType != "image/png" || a.ETag == "" || a.ModTime.Location().String() != "UTC" {
		t.Errorf("stat img/logo.png = %+v", a)
	}
	a, err = st.Stat(ctx, "docs/readme")
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "text/plain; charset=utf-8" || a.CacheControl != "max-age=60" || a.Metadata["owner"] != "ann" {
		t.Errorf("stat docs/readme = %+v", a)
	}
	if got := mustRead(t, st, "docs/readme"); got != "hello, world" {
		t.Errorf("read = %q", got)
	}

	// On disk: the png needs no metadata (its extension says it all); the
	// readme's is in its extended attribute, or in a sidecar.
	want := []string{"docs", "docs/readme", "img", "img/logo.png"}
	if sidecars || !xattrsIn(t, root) {
		want = append([]string{".storage-meta", ".storage-meta/docs", ".storage-meta/docs/readme", ".storage-meta/docs/readme/.storage-meta.json"}, want...)
	}
	if got := files(t, root); !slices.Equal(got, want) {
		t.Errorf("on disk:\n got %q\nwant %q", got, want)
	}

	if got := listNames(t, st, "", false); !slices.Equal(got, []string{"docs/readme", "img/logo.png"}) {
		t.Errorf("list = %q", got)
	}

	// The public URL and a signed URL serve the bytes over HTTP.
	u, err := st.URL("docs/readme")
	if err != nil {
		t.Fatal(err)
	}
	if body, hdr := httpGet(t, u); body != "hello, world" || hdr.Get("Cache-Control") != "max-age=60" {
		t.Errorf("GET %s = %q %v", u, body, hdr)
	}
	su, err := st.SignedURL(ctx, "img/logo.png", storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := httpGet(t, su); body != "png bytes" {
		t.Errorf("GET signed = %q", body)
	}

	for _, n := range []string{"docs/readme", "img/logo.png"} {
		if err := st.Delete(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(t, root); len(got) != 0 {
		t.Errorf("after deleting everything, on disk: %q", got)
	}
	if err := st.Delete(ctx, "docs/readme"); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

func httpGet(t *testing.T, u string) (string, http.Header) {
	t.Helper()
	code, b, h := objtest.Get(t, nil, u)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, code, b)
	}
	return b, h
}

func TestReadReturnsTheFile(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	mustSave(t, st, "a.txt", "0123456789", storage.SaveOptions{})
	d := driverof.Get(st)
	body, a, err := d.Read(context.Background(), "a.txt", storage.ReadRequest{Length: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	if _, ok := body.(*os.File); !ok {
		t.Errorf("whole-object Read returned %T, want *os.File", body)
	}
	if a.Size != 10 {
		t.Errorf("size %d", a.Size)
	}
	rc, err := st.ReadRange(context.Background(), "a.txt", 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); string(b) != "3456" {
		t.Errorf("range = %q", b)
	}
}

func TestListOrderAndLevels(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	names := []string{"a-b", "a.b", "a0", "a/b-c", "a/b/c", "a/bb", "b", "ab/x", "a b", "é/x", "z"}
	for _, n := range names {
		mustSave(t, st, n, n, storage.SaveOptions{})
	}
	want := slices.Clone(names)
	slices.Sort(want)
	if got := listNames(t, st, "", false); !slices.Equal(got, want) {
		t.Errorf("recursive:\n got %q\nwant %q", got, want)
	}
	// An empty directory and stray files are not objects.
	root := rootOf(st)
	if err := os.MkdirAll(filepath.Join(root, "empty", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := listNames(t, st, "", true); !slices.Equal(got, []string{"a b", "a-b", "a.b", "a/", "a0", "ab/", "b", "z", "é/"}) {
		t.Errorf("one level: %q", got)
	}
	if got := listNames(t, st, "a/b", false); !slices.Equal(got, []string{"a/b-c", "a/b/c", "a/bb"}) {
		t.Errorf("prefix a/b: %q", got)
	}
	if got := listNames(t, st, "a/b", true); !slices.Equal(got, []string{"a/b-c", "a/b/", "a/bb"}) {
		t.Errorf("prefix a/b one level: %q", got)
	}
	if got := listNames(t, st, "a", true); !slices.Equal(got, []string{"a b", "a-b", "a.b", "a/", "a0", "ab/"}) {
		t.Errorf("prefix a one level: %q", got)
	}
	if got := listNames(t, st, "nothing/here/", false); len(got) != 0 {
		t.Errorf("missing prefix: %q", got)
	}
	if got := listNames(t, st, "b/", false); len(got) != 0 {
		t.Errorf("prefix under a file: %q", got)
	}
}

func TestReservedNames(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	for _, n := range []string{".storage-meta/x.json", "a/.storage-tmp-123", ".storage-x", "a/.storage-meta"} {
		_, err := st.Save(ctx, n, strings.NewReader("x"), storage.SaveOptions{})
		if !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("save %q: %v, want ErrInvalidName", n, err)
		}
		if _, err := st.Stat(ctx, n); !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("stat %q: %v, want ErrInvalidName", n, err)
		}
		if _, err := st.Open(ctx, n); !errors.Is(err, storage.ErrInvalidName) {
			t.Errorf("open %q: %v, want ErrInvalidName", n, err)
		}
	}
	// Ordinary hidden names are fine.
	mustSave(t, st, ".env", "x", storage.SaveOptions{})
	mustSave(t, st, "a/.storage", "x", storage.SaveOptions{})
	if got := listNames(t, st, "", false); !slices.Equal(got, []string{".env", "a/.storage"}) {
		t.Errorf("list = %q", got)
	}
}

func TestLongSegment(t *testing.T) {
	for _, sidecars := range []bool{false, true} {
		t.Run(fmt.Sprintf("sidecars=%v", sidecars), func(t *testing.T) { testLongSegment(t, sidecars) })
	}
}

func testLongSegment(t *testing.T, sidecars bool) {
	st := newStorage(t, filesystem.Config{Sidecars: sidecars})
	ctx := context.Background()
	long := strings.Repeat("x", 256)
	_, err := st.Save(ctx, "a/"+long, strings.NewReader("x"), storage.SaveOptions{})
	if !errors.Is(err, storage.ErrInvalidName) {
		t.Errorf("save with a 256-byte segment: %v", err)
	}
	// 255 bytes fit, sidecar included.
	name := "a/" + strings.Repeat("y", 255)
	mustSave(t, st, name, "x", storage.SaveOptions{ContentType: "text/x-long", Metadata: map[string]string{"k": "v"}})
	a, err := st.Stat(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "text/x-long" || a.Metadata["k"] != "v" {
		t.Errorf("stat = %+v", a)
	}
}

func TestDirectoryAndObjectOfOneName(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	mustSave(t, st, "a", "file", storage.SaveOptions{})
	_, err := st.Save(ctx, "a/b", strings.NewReader("x"), storage.SaveOptions{})
	if !errors.Is(err, storage.ErrExist) {
		t.Errorf("save a/b under the object a: %v, want ErrExist", err)
	}
	mustSave(t, st, "d/e", "x", storage.SaveOptions{})
	for _, p := range []storage.ConflictPolicy{storage.Fail, storage.Overwrite} {
		_, err := st.Save(ctx, "d", strings.NewReader("x"), storage.SaveOptions{Conflict: p})
		if !errors.Is(err, storage.ErrExist) {
			t.Errorf("save d over the directory d (%v): %v, want ErrExist", p, err)
		}
	}
	got, err := st.Save(ctx, "d", strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Rename})
	if err != nil || got == "d" || !strings.HasPrefix(got, "d_") {
		t.Errorf("save d with Rename: %q, %v", got, err)
	}
	if _, err := st.Stat(ctx, "d"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("stat of a directory: %v, want ErrNotExist", err)
	}
	if err := st.Delete(ctx, "d"); err != nil {
		t.Errorf("delete of a directory name: %v", err)
	}
	if mustRead(t, st, "d/e") != "x" {
		t.Error("deleting the directory name removed its object")
	}
}

func TestDriverOptions(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	_, err := st.Save(ctx, "x", strings.NewReader("x"), storage.SaveOptions{DriverOptions: "nope"})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("driver options of no driver: %v, want ErrInvalidArgument", err)
	}
	name := mustSave(t, st, "private.txt", "secret", storage.SaveOptions{DriverOptions: &filesystem.SaveOptions{FilePerm: 0o600, Fsync: true}})
	fi, err := os.Stat(filepath.Join(rootOf(st), name))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	_, err = st.Save(ctx, "x", strings.NewReader("x"), storage.SaveOptions{Public: true})
	if !errors.Is(err, storage.ErrUnsupported) {
		t.Errorf("public: %v, want ErrUnsupported", err)
	}
}

func TestFsync(t *testing.T) {
	st := newStorage(t, filesystem.Config{Fsync: true})
	ctx := context.Background()
	mustSave(t, st, "a/b.txt", "one", storage.SaveOptions{Metadata: map[string]string{"k": "v"}})
	mustSave(t, st, "a/b.txt", "two", storage.SaveOptions{Conflict: storage.Overwrite})
	n := mustSave(t, st, "a/b.txt", "three", storage.SaveOptions{Conflict: storage.Rename})
	if _, err := st.Copy(ctx, "c/d.txt", "a/b.txt", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a/b.txt": "two", n: "three", "c/d.txt": "two"} {
		if got := mustRead(t, st, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestCopyKeepsAttributes(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	mustSave(t, st, "src", "data", storage.SaveOptions{ContentType: "text/x-custom", Metadata: map[string]string{"k": "v"}})
	mustSave(t, st, "dst.png", "old", storage.SaveOptions{ContentLanguage: "en"})
	if _, err := st.Copy(ctx, "dst.png", "src", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, "dst.png")
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "text/x-custom" || a.Metadata["k"] != "v" || a.ContentLanguage != "" || a.Size != 4 {
		t.Errorf("copy attributes: %+v", a)
	}
	if _, err := st.Copy(ctx, "x", "missing", storage.CopyOptions{Conflict: storage.Overwrite}); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("copy of a missing object: %v", err)
	}
	// A copy of an object without a sidecar to a name whose extension says
	// otherwise keeps the source's type.
	mustSave(t, st, "pic.png", "png", storage.SaveOptions{})
	if _, err := st.Copy(ctx, "pic.bin", "pic.png", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Stat(ctx, "pic.bin"); a == nil || a.ContentType != "image/png" {
		t.Errorf("copied type: %+v", a)
	}
}

func TestErrorsKeepPathError(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	_, err := st.Open(context.Background(), "missing/file")
	if !errors.Is(err, storage.ErrNotExist) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open missing: %v", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Errorf("no *fs.PathError in %v", err)
	}
}

// Sidecars of "x", "x.json/y" and "x/z" never compete for one path.
func TestSidecarsOfRelatedNames(t *testing.T) {
	st := newStorage(t, filesystem.Config{Sidecars: true})
	ctx := context.Background()
	names := []string{"x", "x.json/y", "y/z", "y.json"}
	for _, n := range names {
		mustSave(t, st, n, n, storage.SaveOptions{Metadata: map[string]string{"name": n}})
	}
	for _, n := range names {
		a, err := st.Stat(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if a.Metadata["name"] != n {
			t.Errorf("%s: metadata %v", n, a.Metadata)
		}
	}
	for _, n := range names {
		if err := st.Delete(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(t, rootOf(st)); len(got) != 0 {
		t.Errorf("left on disk: %q", got)
	}
}

func TestErrorKind(t *testing.T) {
	d, err := filesystem.NewDriver(filesystem.Config{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for errno, want := range map[syscall.Errno]error{
		syscall.ENOENT:       storage.ErrNotExist,
		syscall.ENOTDIR:      storage.ErrNotExist,
		syscall.EEXIST:       storage.ErrExist,
		syscall.EACCES:       storage.ErrPermission,
		syscall.EPERM:        storage.ErrPermission,
		syscall.EROFS:        storage.ErrPermission,
		syscall.ENAMETOOLONG: storage.ErrInvalidName,
		syscall.EIO:          nil,
	} {
		err := &fs.PathError{Op: "openat", Path: "x", Err: errno}
		if got := d.ErrorKind(err); got != want {
			t.Errorf("ErrorKind(%v) = %v, want %v", errno, got, want)
		}
	}
}
