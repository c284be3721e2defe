//go:build linux

package filesystem_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/driverof"
)

// attrName is the extended attribute the driver keeps metadata in.
const attrName = "user.go-storages.meta"

// xattrsIn reports whether files under dir take user extended attributes.
func xattrsIn(t testing.TB, dir string) bool {
	t.Helper()
	f, err := os.CreateTemp(dir, "xattr-probe-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	return unix.Fsetxattr(int(f.Fd()), "user.probe", []byte("x"), 0) == nil
}

// xattrDir returns a fresh directory whose files take user extended
// attributes: the test's temporary directory, else one under /dev/shm or
// /var/tmp. It fails the test when there is none.
func xattrDir(t testing.TB) string {
	t.Helper()
	if dir := t.TempDir(); xattrsIn(t, dir) {
		return dir
	}
	for _, base := range []string{"/dev/shm", "/var/tmp"} {
		dir, err := os.MkdirTemp(base, "fs-xattr-test-")
		if err != nil {
			continue
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		if xattrsIn(t, dir) {
			return dir
		}
	}
	t.Fatal("no directory here keeps user extended attributes (tried TMPDIR, /dev/shm, /var/tmp)")
	return ""
}

// xattrOf returns the decoded metadata attribute of the file at p, or nil
// when it has none.
func xattrOf(t testing.TB, p string) map[string]any {
	t.Helper()
	buf := make([]byte, 64<<10)
	n, err := unix.Getxattr(p, attrName, buf)
	if errors.Is(err, unix.ENODATA) {
		return nil
	}
	if err != nil {
		t.Fatalf("getxattr %s: %v", p, err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf[:n], &m); err != nil {
		t.Fatalf("attribute of %s: %v: %q", p, err, buf[:n])
	}
	return m
}

var allHeaders = storage.SaveOptions{
	ContentType:        "text/css",
	CacheControl:       "public, max-age=31536000, immutable",
	ContentDisposition: "inline",
	ContentEncoding:    "br",
	ContentLanguage:    "en",
	Metadata:           map[string]string{"k": "v"},
}

func checkHeaders(t *testing.T, what string, a *storage.Attributes) {
	t.Helper()
	if a.ContentType != "text/css" || a.CacheControl != allHeaders.CacheControl || a.ContentDisposition != "inline" ||
		a.ContentEncoding != "br" || a.ContentLanguage != "en" || a.Metadata["k"] != "v" || len(a.Metadata) != 1 {
		t.Errorf("%s: %+v", what, a)
	}
}

// Headers and metadata live in one extended attribute of the data file,
// committed with it: no sidecar, nothing left after Delete, and an
// overwrite without metadata leaves no attribute.
func TestMetadataInExtendedAttribute(t *testing.T) {
	root := xattrDir(t)
	st := newStorage(t, filesystem.Config{Root: root})
	ctx := context.Background()
	mustSave(t, st, "css/app.css", "body{}", allHeaders)
	if got := files(t, root); !slices.Equal(got, []string{"css", "css/app.css"}) {
		t.Errorf("on disk: %q (want no sidecar)", got)
	}
	x := xattrOf(t, filepath.Join(root, "css/app.css"))
	if x["content_encoding"] != "br" || x["cache_control"] != allHeaders.CacheControl || x["content_type"] != "text/css" {
		t.Errorf("attribute = %v", x)
	}
	for _, k := range []string{"name", "size", "mtime_ns"} {
		if _, ok := x[k]; ok {
			t.Errorf("attribute has the sidecar's stamp %q: %v", k, x)
		}
	}
	a, err := st.Stat(ctx, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, "stat", a)
	r, err := st.Open(ctx, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, "open", r.Attributes())
	r.Close()

	// Copies (replacing and exclusive) and renamed names carry it too.
	if _, err := st.Copy(ctx, "copy/app.css", "css/app.css", storage.CopyOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Copy(ctx, "copy/app.css", "css/app.css", storage.CopyOptions{Conflict: storage.Rename})
	if err != nil || got == "copy/app.css" {
		t.Fatalf("copy with Rename = %q, %v", got, err)
	}
	renamed := mustSave(t, st, "css/app.css", "body{}", storage.SaveOptions{Conflict: storage.Rename, ContentType: "text/css",
		CacheControl: allHeaders.CacheControl, ContentDisposition: "inline", ContentEncoding: "br", ContentLanguage: "en", Metadata: map[string]string{"k": "v"}})
	for _, n := range []string{"copy/app.css", got, renamed} {
		a, err := st.Stat(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		checkHeaders(t, n, a)
		if xattrOf(t, filepath.Join(root, n)) == nil {
			t.Errorf("%s: no attribute", n)
		}
	}
	if got := files(t, root); slices.Contains(got, ".storage-meta") {
		t.Errorf("a sidecar was written: %q", got)
	}

	// An overwrite with nothing to record: a new file without the attribute.
	mustSave(t, st, "css/app.css", "p{}", storage.SaveOptions{Conflict: storage.Overwrite})
	if x := xattrOf(t, filepath.Join(root, "css/app.css")); x != nil {
		t.Errorf("attribute after a plain overwrite: %v", x)
	}
	if a, err := st.Stat(ctx, "css/app.css"); err != nil || a.ContentEncoding != "" || a.Metadata != nil || a.ContentType != "text/css; charset=utf-8" {
		t.Errorf("stat after a plain overwrite: %+v, %v", a, err)
	}
	for _, n := range []string{"css/app.css", "copy/app.css", got, renamed} {
		if err := st.Delete(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(t, root); len(got) != 0 {
		t.Errorf("left on disk: %q", got)
	}
}

// The attribute is the file's: rewriting the file in place keeps it, a new
// file renamed over it (what most tools do) has none.
func TestAttributeBelongsToTheFile(t *testing.T) {
	root := xattrDir(t)
	st := newStorage(t, filesystem.Config{Root: root})
	ctx := context.Background()
	mustSave(t, st, "a.css", "body{}", allHeaders)
	p := filepath.Join(root, "a.css")
	if err := os.WriteFile(p, []byte("p{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Stat(ctx, "a.css"); err != nil || a.Size != 3 {
		t.Fatalf("stat = %+v, %v", a, err)
	} else {
		checkHeaders(t, "after an in-place rewrite", a)
	}
	if err := os.WriteFile(p+".new", []byte("q{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Stat(ctx, "a.css"); err != nil || a.ContentEncoding != "" || a.Metadata != nil || a.ContentType != "text/css; charset=utf-8" {
		t.Errorf("after a rename over it: %+v, %v", a, err)
	}
}

// Objects written by earlier versions (or with Config.Sidecars) keep their
// sidecars' attributes; a new Save replaces the sidecar by the attribute,
// Delete removes both, and CleanTemp removes a sidecar that an attribute
// superseded (a crash between the commit and the sidecar's removal).
func TestSidecarsOfEarlierVersions(t *testing.T) {
	root := xattrDir(t)
	ctx := context.Background()
	old := newStorage(t, filesystem.Config{Root: root, Sidecars: true})
	for _, n := range []string{"a.txt", "b.txt", "c/c.txt", "d.txt"} {
		mustSave(t, old, n, n, storage.SaveOptions{Metadata: map[string]string{"k": "old"}, CacheControl: "no-cache"})
	}
	if x := xattrOf(t, filepath.Join(root, "a.txt")); x != nil {
		t.Fatalf("Sidecars wrote an attribute: %v", x)
	}
	sidecar := func(n string) string { return filepath.Join(root, ".storage-meta", n, ".storage-meta.json") }
	saved, err := os.ReadFile(sidecar("d.txt"))
	if err != nil {
		t.Fatal(err)
	}

	cur := newStorage(t, filesystem.Config{Root: root})
	for _, n := range []string{"a.txt", "b.txt", "c/c.txt", "d.txt"} {
		if a, err := cur.Stat(ctx, n); err != nil || a.Metadata["k"] != "old" || a.CacheControl != "no-cache" {
			t.Errorf("%s from its sidecar: %+v, %v", n, a, err)
		}
	}
	mustSave(t, cur, "a.txt", "A", storage.SaveOptions{Conflict: storage.Overwrite, Metadata: map[string]string{"k": "new"}})
	mustSave(t, cur, "b.txt", "B", storage.SaveOptions{Conflict: storage.Overwrite})
	if err := cur.Delete(ctx, "c/c.txt"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, cur, "d.txt", "D", storage.SaveOptions{Conflict: storage.Overwrite, Metadata: map[string]string{"k": "new"}})
	if got := files(t, root); !slices.Equal(got, []string{"a.txt", "b.txt", "d.txt"}) {
		t.Errorf("on disk: %q (want no sidecar left)", got)
	}
	if a, err := cur.Stat(ctx, "a.txt"); err != nil || a.Metadata["k"] != "new" || a.CacheControl != "" {
		t.Errorf("a.txt after a new Save: %+v, %v", a, err)
	}
	if a, err := cur.Stat(ctx, "b.txt"); err != nil || a.Metadata != nil || a.CacheControl != "" {
		t.Errorf("b.txt after a plain Save: %+v, %v", a, err)
	}

	// d.txt's old sidecar comes back, as after a crash right after the
	// commit: the attribute wins, and CleanTemp removes the sidecar.
	if err := os.MkdirAll(filepath.Dir(sidecar("d.txt")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sidecar("d.txt"), saved, 0o644); err != nil {
		t.Fatal(err)
	}
	if a, err := cur.Stat(ctx, "d.txt"); err != nil || a.Metadata["k"] != "new" {
		t.Errorf("d.txt with a superseded sidecar: %+v, %v", a, err)
	}
	d := driverof.Get(cur).(*filesystem.Driver)
	if n, err := d.CleanTemp(ctx, -time.Hour); err != nil || n != 1 {
		t.Errorf("CleanTemp = %d, %v; want 1", n, err)
	}
	if got := files(t, root); !slices.Equal(got, []string{"a.txt", "b.txt", "d.txt"}) {
		t.Errorf("on disk after CleanTemp: %q", got)
	}
}

// Metadata too large for an extended attribute (64 KiB at most on Linux)
// goes to a sidecar for that object only.
func TestLargeMetadataFallsBackToSidecar(t *testing.T) {
	root := xattrDir(t)
	st := newStorage(t, filesystem.Config{Root: root})
	ctx := context.Background()
	big := strings.Repeat("v", 70<<10)
	mustSave(t, st, "big.txt", "x", storage.SaveOptions{Metadata: map[string]string{"big": big}})
	mustSave(t, st, "small.txt", "x", storage.SaveOptions{Metadata: map[string]string{"k": "v"}})
	if got := files(t, root); !slices.Equal(got, []string{".storage-meta", ".storage-meta/big.txt", ".storage-meta/big.txt/.storage-meta.json", "big.txt", "small.txt"}) {
		t.Errorf("on disk: %q", got)
	}
	if a, err := st.Stat(ctx, "big.txt"); err != nil || a.Metadata["big"] != big {
		t.Errorf("big.txt: %v", err)
	}
	if x := xattrOf(t, filepath.Join(root, "small.txt")); x == nil {
		t.Error("small.txt: no attribute after a large one fell back")
	}
	mustSave(t, st, "big.txt", "y", storage.SaveOptions{Conflict: storage.Overwrite, Metadata: map[string]string{"k": "v"}})
	if got := files(t, root); !slices.Equal(got, []string{"big.txt", "small.txt"}) {
		t.Errorf("on disk after a small overwrite: %q", got)
	}
}

// The conformance groups that store and read metadata, on tmpfs (which has
// user extended attributes since Linux 6.6; before, the sidecar fallback
// runs there).
func TestConformanceTmpfs(t *testing.T) {
	base := "/dev/shm"
	if fi, err := os.Stat(base); err != nil || !fi.IsDir() {
		base = os.TempDir()
	}
	t.Logf("root under %s; user extended attributes there: %v", base, xattrsIn(t, base))
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			dir, err := os.MkdirTemp(base, "fs-conformance-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			return newStorage(t, filesystem.Config{Root: dir})
		},
		Groups: []string{"save", "open", "stat", "delete", "copy", "policy", "metadata", "contenttype", "encoding"},
	})
}
