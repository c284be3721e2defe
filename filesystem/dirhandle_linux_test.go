//go:build linux

package filesystem_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/driverof"
)

// On a kernel without openat2 (before Linux 5.6), or under a seccomp filter
// refusing it, writes open their directory through os.Root: the suite's
// writing groups pass that way too.
func TestConformanceWithoutOpenat2(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			st := newStorage(t, filesystem.Config{})
			driverof.Get(st).(*filesystem.Driver).WithoutOpenat2()
			return st
		},
		Groups: []string{"save", "policy", "concurrency", "copy"},
	})
}

// A write into a directory reached through a symlink out of the root fails
// with ErrPermission and writes nothing outside, through openat2 (EXDEV
// from RESOLVE_BENEATH) and through os.Root alike; a symlinked directory
// inside the root is written through.
func TestWriteThroughDirectorySymlinks(t *testing.T) {
	for _, fast := range []bool{true, false} {
		outside := t.TempDir()
		st := newStorage(t, filesystem.Config{})
		d := driverof.Get(st).(*filesystem.Driver)
		if !fast {
			d.WithoutOpenat2()
		}
		root := rootOf(st)
		ctx := context.Background()
		mustSave(t, st, "real/a.txt", "a", storage.SaveOptions{})
		for link, target := range map[string]string{"out": outside, "abs": filepath.Join(root, "real"), "in": "real", "up": "real/../.."} {
			if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []string{"out/x.txt", "abs/x.txt", "up/x.txt"} {
			_, err := st.Save(ctx, n, strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Overwrite, CacheControl: "no-cache"})
			if !errors.Is(err, storage.ErrPermission) {
				t.Errorf("openat2 %v: save %q: %v, want ErrPermission", fast, n, err)
			}
		}
		if got := files(t, outside); len(got) != 0 {
			t.Errorf("openat2 %v: written outside the root: %q", fast, got)
		}
		mustSave(t, st, "in/b.txt", "b", storage.SaveOptions{CacheControl: "no-cache"})
		if got := mustRead(t, st, "real/b.txt"); got != "b" {
			t.Errorf("openat2 %v: read back through the real directory: %q", fast, got)
		}
		if a, err := st.Stat(ctx, "real/b.txt"); err != nil || a.CacheControl != "no-cache" {
			t.Errorf("openat2 %v: stat = %+v, %v", fast, a, err)
		}
		if d.UsesOpenat2() != fast {
			t.Errorf("openat2 path in use: %v, want %v", d.UsesOpenat2(), fast)
		}
	}
}
