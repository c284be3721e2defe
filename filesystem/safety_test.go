package filesystem_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/driverof"
)

// A symlink inside the root that leads out of it is never followed: not to
// read, write, stat, list or delete.
func TestSymlinkEscapes(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := newStorage(t, filesystem.Config{})
	root := rootOf(st)
	ctx := context.Background()
	mustSave(t, st, "inside/ok.txt", "ok", storage.SaveOptions{})
	for link, target := range map[string]string{
		"abs":       secret,
		"rel":       filepath.Join("..", "..", filepath.Base(filepath.Dir(outside)), filepath.Base(outside), "secret"),
		"dir":       outside,
		"inside/up": "../..",
		"good":      "inside/ok.txt",
		"gooddir":   "inside",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	escaping := []string{"abs", "rel", "dir/secret", "inside/up/" + filepath.Base(outside) + "/secret"}
	for _, n := range escaping {
		if _, err := st.Open(ctx, n); !deniedOrMissing(err) {
			t.Errorf("open %q: %v", n, err)
		}
		if _, err := st.Stat(ctx, n); !deniedOrMissing(err) {
			t.Errorf("stat %q: %v", n, err)
		}
		if _, err := st.ReadRange(ctx, n, 1, 2); !deniedOrMissing(err) {
			t.Errorf("readrange %q: %v", n, err)
		}
		if err := st.Delete(ctx, n); !deniedOrMissing(err) || errors.Is(err, storage.ErrNotExist) {
			t.Errorf("delete %q: %v, want ErrPermission", n, err)
		}
		for _, p := range []storage.ConflictPolicy{storage.Overwrite, storage.Fail} {
			_, err := st.Save(ctx, n, strings.NewReader("pwned"), storage.SaveOptions{Conflict: p})
			if err == nil {
				t.Errorf("save %q (%v) succeeded", n, p)
			}
		}
		if _, err := st.Copy(ctx, n, "inside/ok.txt", storage.CopyOptions{Conflict: storage.Overwrite}); err == nil {
			t.Errorf("copy to %q succeeded", n)
		}
		if _, err := st.Copy(ctx, "inside/copy", n, storage.CopyOptions{Conflict: storage.Overwrite}); !deniedOrMissing(err) {
			t.Errorf("copy from %q: %v", n, err)
		}
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "secret" {
		t.Errorf("the file outside the root changed: %q, %v", b, err)
	}
	if got := files(t, outside); !slices.Equal(got, []string{"secret"}) {
		t.Errorf("outside the root: %q", got)
	}
	// Symlinks that stay inside the root work; List shows the file link and
	// does not descend into the directory links.
	if got := mustRead(t, st, "good"); got != "ok" {
		t.Errorf("read through an inside link: %q", got)
	}
	if got := mustRead(t, st, "gooddir/ok.txt"); got != "ok" {
		t.Errorf("read through an inside directory link: %q", got)
	}
	if got := listNames(t, st, "", false); !slices.Equal(got, []string{"good", "inside/ok.txt"}) {
		t.Errorf("list = %q", got)
	}
	if got := listNames(t, st, "", true); !slices.Equal(got, []string{"good", "inside/"}) {
		t.Errorf("list one level = %q", got)
	}
}

func deniedOrMissing(err error) bool {
	return errors.Is(err, storage.ErrPermission) || errors.Is(err, storage.ErrNotExist)
}

// Temporary files (a write in progress, or left by a crash) and sidecars are
// never shown as objects; CleanTemp removes the stale ones.
func TestTempFilesInvisible(t *testing.T) {
	st := newStorage(t, filesystem.Config{Sidecars: true})
	root := rootOf(st)
	ctx := context.Background()
	mustSave(t, st, "a/real.txt", "real", storage.SaveOptions{})
	mustSave(t, st, "a/meta.txt", "meta", storage.SaveOptions{Metadata: map[string]string{"k": "v"}})
	// What a crash leaves: a temporary file in a directory of its own and
	// one next to an object, and a sidecar without its object.
	for p, body := range map[string]string{
		"crash/.storage-tmp-0123456789abcdef01234567": "partial",
		"a/.storage-tmp-00000000000000000000aaaa":     "partial",
		".storage-meta/gone.txt/.storage-meta.json":   `{"name":"gone.txt","size":1,"mtime_ns":1}`,
	} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"a/meta.txt", "a/real.txt"}
	if got := listNames(t, st, "", false); !slices.Equal(got, want) {
		t.Errorf("list = %q", got)
	}
	if got := listNames(t, st, "", true); !slices.Equal(got, []string{"a/"}) {
		t.Errorf("list one level = %q (a directory holding only a temporary file is not shown)", got)
	}
	if _, err := st.Stat(ctx, "crash/.storage-tmp-0123456789abcdef01234567"); !errors.Is(err, storage.ErrInvalidName) {
		t.Errorf("stat of a temporary file: %v", err)
	}
	if _, err := st.Stat(ctx, "gone.txt"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("stat of an orphan sidecar's name: %v", err)
	}

	// Fresh files are kept (a write may be in progress) ...
	d := driverof.Get(st).(*filesystem.Driver)
	if n, err := d.CleanTemp(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("CleanTemp(1h) = %d, %v", n, err)
	}
	// ... old ones go, with the directories they leave empty; objects and
	// valid sidecars stay.
	old := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{"crash/.storage-tmp-0123456789abcdef01234567", "a/.storage-tmp-00000000000000000000aaaa", ".storage-meta/gone.txt/.storage-meta.json", ".storage-meta/a/meta.txt/.storage-meta.json"} {
		if err := os.Chtimes(filepath.Join(root, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := d.CleanTemp(ctx, time.Hour); err != nil || n != 3 {
		t.Errorf("CleanTemp = %d, %v; want 3 removed", n, err)
	}
	wantDisk := []string{".storage-meta", ".storage-meta/a", ".storage-meta/a/meta.txt", ".storage-meta/a/meta.txt/.storage-meta.json", "a", "a/meta.txt", "a/real.txt"}
	if got := files(t, root); !slices.Equal(got, wantDisk) {
		t.Errorf("on disk after CleanTemp:\n got %q\nwant %q", got, wantDisk)
	}
	if a, err := st.Stat(ctx, "a/meta.txt"); err != nil || a.Metadata["k"] != "v" {
		t.Errorf("metadata after CleanTemp: %+v %v", a, err)
	}
}

// A sidecar that does not match its data file is ignored.
func TestStaleSidecarIgnored(t *testing.T) {
	st := newStorage(t, filesystem.Config{Sidecars: true})
	root := rootOf(st)
	ctx := context.Background()
	mustSave(t, st, "doc.html", "<p>x</p>", storage.SaveOptions{ContentType: "text/x-special", Metadata: map[string]string{"k": "v"}})
	if a, _ := st.Stat(ctx, "doc.html"); a == nil || a.ContentType != "text/x-special" {
		t.Fatalf("stat = %+v", a)
	}
	// The data file is replaced behind the driver's back (or the process
	// crashed before writing the new sidecar).
	if err := os.WriteFile(filepath.Join(root, "doc.html"), []byte("<p>other</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, "doc.html")
	if err != nil {
		t.Fatal(err)
	}
	if a.ContentType != "text/html; charset=utf-8" || a.Metadata != nil {
		t.Errorf("stale sidecar used: %+v", a)
	}
	r, err := st.Open(ctx, "doc.html")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if r.Attributes().ContentType != "text/html; charset=utf-8" {
		t.Errorf("open with a stale sidecar: %+v", r.Attributes())
	}
	// A corrupt sidecar is ignored too.
	if err := os.WriteFile(filepath.Join(root, ".storage-meta", "doc.html", ".storage-meta.json"), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Stat(ctx, "doc.html"); err != nil || a.ContentType != "text/html; charset=utf-8" {
		t.Errorf("corrupt sidecar: %+v %v", a, err)
	}
	// Overwriting with nothing to record removes the old sidecar.
	mustSave(t, st, "doc.html", "<p>new</p>", storage.SaveOptions{Conflict: storage.Overwrite})
	if got := files(t, root); !slices.Equal(got, []string{"doc.html"}) {
		t.Errorf("on disk: %q", got)
	}
}

// A cancelled or failed write leaves no object, no temporary file, and the
// previous object intact; so does a reader that fails.
func TestFailedWritesLeaveNothing(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	root := rootOf(st)
	mustSave(t, st, "keep/obj.txt", "previous", storage.SaveOptions{})

	ctx, cancel := context.WithCancel(context.Background())
	r := &cancelAfter{n: 3 << 20, cancel: cancel}
	_, err := st.Save(ctx, "keep/obj.txt", r, storage.SaveOptions{Conflict: storage.Overwrite})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled save: %v", err)
	}
	_, err = st.Save(context.Background(), "new/dir/obj.txt", io.MultiReader(strings.NewReader("part"), failing{}), storage.SaveOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("failing reader: %v", err)
	}
	_, err = st.Save(context.Background(), "keep/obj.txt", strings.NewReader("other"), storage.SaveOptions{
		Conflict: storage.Overwrite, Checksums: storage.Checksums{MD5: make([]byte, 16)},
	})
	if !errors.Is(err, storage.ErrChecksum) {
		t.Errorf("bad checksum: %v", err)
	}
	// A reader that blocks until the deadline: once Save returns, its
	// temporary file is gone.
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	_, err = st.Save(dctx, "keep/obj.txt", io.MultiReader(strings.NewReader("some"), blocking{dctx}), storage.SaveOptions{Conflict: storage.Overwrite})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocking reader: %v", err)
	}
	if got := mustRead(t, st, "keep/obj.txt"); got != "previous" {
		t.Errorf("previous object = %q", got)
	}
	if got := files(t, root); !slices.Equal(got, []string{"keep", "keep/obj.txt"}) {
		t.Errorf("on disk: %q", got)
	}
}

// cancelAfter yields n bytes, cancelling its context half-way.
type cancelAfter struct {
	n, done int
	cancel  func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.done >= c.n {
		return 0, io.EOF
	}
	if c.done >= c.n/2 {
		c.cancel()
	}
	k := min(len(p), c.n-c.done, 64<<10)
	c.done += k
	return k, nil
}

// blocking is a reader that waits for its context, like a network stream
// that stalls.
type blocking struct{ ctx context.Context }

func (b blocking) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// A Save whose directory a concurrent Delete prunes recreates it; saves and
// deletes in one directory never fail and never lose an object.
func TestConcurrentSavesAndDeletesInOneDirectory(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	const workers, rounds = 8, 150
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				// Even workers empty their directory again and again, so
				// the deep path is pruned and recreated under the others.
				name := fmt.Sprintf("shared/deep/er/w%d-%d.txt", w, i)
				if w%2 == 0 {
					name = fmt.Sprintf("shared/deep/er/%d/w%d-%d.txt", i%3, w, i)
				}
				if _, err := st.Save(ctx, name, strings.NewReader(name), storage.SaveOptions{Conflict: storage.Fail}); err != nil {
					errs <- err
					return
				}
				if i%2 == 0 || w%2 == 0 { // only odd workers keep their odd objects
					if err := st.Delete(ctx, name); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := listNames(t, st, "shared/", false)
	if len(got) != workers*rounds/4 {
		t.Errorf("%d objects left, want %d", len(got), workers*rounds/4)
	}
	for _, n := range got {
		if mustRead(t, st, n) != n {
			t.Errorf("%s has the wrong content", n)
		}
	}
	for _, n := range got {
		if err := st.Delete(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := files(t, rootOf(st)); len(got) != 0 {
		t.Errorf("left on disk: %q", got)
	}
}

// Concurrent Rename saves of one name in one directory all land under
// distinct names (the hard link is the atomic exclusive create).
func TestConcurrentRenameSaves(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	const n = 64
	names := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got, err := st.Save(ctx, "up/file.txt", strings.NewReader(fmt.Sprint(i)), storage.SaveOptions{Conflict: storage.Rename})
			if err != nil {
				t.Error(err)
			}
			names[i] = got
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, name := range names {
		if seen[name] {
			t.Errorf("name %q given twice", name)
		}
		seen[name] = true
		if got := mustRead(t, st, name); got != fmt.Sprint(i) {
			t.Errorf("%s = %q, want %d", name, got, i)
		}
	}
}

// The operating system's refusals map to ErrPermission. Root ignores file
// modes, so as root the test makes the directory immutable (chattr +i, which
// root obeys); as another user it removes the write permission.
func TestPermissionDenied(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	root := rootOf(st)
	ctx := context.Background()
	mustSave(t, st, "locked/a.txt", "a", storage.SaveOptions{})
	dir := filepath.Join(root, "locked")
	lock, unlock := exec.Command("chmod", "a-w", dir), exec.Command("chmod", "u+w", dir)
	if os.Geteuid() == 0 {
		lock, unlock = exec.Command("chattr", "+i", dir), exec.Command("chattr", "-i", dir)
	}
	if out, err := lock.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v %s", lock.Args, err, out)
	}
	t.Cleanup(func() {
		if out, err := unlock.CombinedOutput(); err != nil {
			t.Errorf("%v: %v %s", unlock.Args, err, out)
		}
	})
	_, err := st.Save(ctx, "locked/b.txt", strings.NewReader("b"), storage.SaveOptions{})
	if !errors.Is(err, storage.ErrPermission) {
		t.Errorf("save into a locked directory: %v", err)
	}
	if err := st.Delete(ctx, "locked/a.txt"); !errors.Is(err, storage.ErrPermission) {
		t.Errorf("delete in a locked directory: %v", err)
	}
	var pe *os.PathError
	if !errors.As(err, &pe) {
		t.Errorf("no *fs.PathError in %v", err)
	}
	if got := mustRead(t, st, "locked/a.txt"); got != "a" {
		t.Errorf("read = %q", got)
	}
}

// Two storages over one directory (two processes, say): a sidecar that one
// left behind is never applied to the other's new object, and CleanTemp
// removes it. With extended attributes there is nothing to leave behind.
func TestTwoStoragesOneDirectory(t *testing.T) {
	for _, sidecars := range []bool{false, true} {
		t.Run(fmt.Sprintf("sidecars=%v", sidecars), func(t *testing.T) { testTwoStoragesOneDirectory(t, sidecars) })
	}
}

func testTwoStoragesOneDirectory(t *testing.T, sidecars bool) {
	dir := t.TempDir()
	a := newStorage(t, filesystem.Config{Root: dir, Sidecars: sidecars})
	b := newStorage(t, filesystem.Config{Root: dir, Sidecars: sidecars})
	ctx := context.Background()
	mustSave(t, a, "x.txt", "from a", storage.SaveOptions{Metadata: map[string]string{"k": "a"}})
	if err := b.Delete(ctx, "x.txt"); err != nil {
		t.Fatal(err)
	}
	mustSave(t, b, "x.txt", "from b", storage.SaveOptions{Conflict: storage.Fail})
	for _, st := range []*storage.Storage{a, b} {
		at, err := st.Stat(ctx, "x.txt")
		if err != nil {
			t.Fatal(err)
		}
		if at.Metadata != nil || at.ContentType != "text/plain; charset=utf-8" {
			t.Errorf("stale sidecar applied: %+v", at)
		}
	}
	// b started before a wrote the sidecar tree, so its Delete did not look
	// there: the sidecar is stale, and CleanTemp removes it.
	want := 0
	if sidecars || !xattrsIn(t, dir) {
		want = 1
	}
	if n, err := driverof.Get(b).(*filesystem.Driver).CleanTemp(ctx, -time.Hour); err != nil || n != want {
		t.Errorf("CleanTemp = %d, %v; want %d", n, err, want)
	}
	if err := a.Delete(ctx, "x.txt"); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("left on disk: %q", got)
	}
}
