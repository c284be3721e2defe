//go:build linux

package filesystem

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/go-storages/storage"
)

// A filesystem without user extended attributes (ENOTSUP: tmpfs before
// Linux 6.6, vfat, some network filesystems): the metadata goes to sidecars,
// and after the first refusal no write tries the attribute again.
func TestSidecarsWhereExtendedAttributesAreUnsupported(t *testing.T) {
	calls := 0
	setXattr = func(*os.File, []byte) error { calls++; return unix.EOPNOTSUPP }
	defer func() { setXattr = fsetXattr }()

	root := t.TempDir()
	st, err := NewWithConfig(Config{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for _, n := range []string{"a/x.txt", "a/y.txt", "z.txt"} {
		if _, err := st.Save(ctx, n, strings.NewReader(n), storage.SaveOptions{Metadata: map[string]string{"k": n}, ContentEncoding: "gzip"}); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Errorf("setxattr tried %d times, want once", calls)
	}
	for _, n := range []string{"a/x.txt", "a/y.txt", "z.txt"} {
		if _, err := os.Stat(filepath.Join(root, metaPath(n))); err != nil {
			t.Errorf("%s: no sidecar: %v", n, err)
		}
		a, err := st.Stat(ctx, n)
		if err != nil || a.Metadata["k"] != n || a.ContentEncoding != "gzip" {
			t.Errorf("%s: %+v, %v", n, a, err)
		}
	}
}

// A value the filesystem refuses (ENOSPC: larger than ext4's attribute
// block; E2BIG: over 64 KiB) goes to a sidecar for that object only.
func TestSidecarWhenTheValueIsRefused(t *testing.T) {
	refuse := true
	setXattr = func(f *os.File, data []byte) error {
		if refuse {
			return unix.ENOSPC
		}
		return fsetXattr(f, data)
	}
	defer func() { setXattr = fsetXattr }()
	root := t.TempDir()
	d, err := NewDriver(Config{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.New(d)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Save(ctx, "big.txt", strings.NewReader("x"), storage.SaveOptions{Metadata: map[string]string{"k": "big"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, metaPath("big.txt"))); err != nil {
		t.Errorf("no sidecar for a refused value: %v", err)
	}
	if d.noXattr.Load() {
		t.Error("a refused value turned the attributes off for every later write")
	}
	if a, err := st.Stat(ctx, "big.txt"); err != nil || a.Metadata["k"] != "big" {
		t.Errorf("stat = %+v, %v", a, err)
	}
	refuse = false
	if _, err := st.Save(ctx, "small.txt", strings.NewReader("x"), storage.SaveOptions{Metadata: map[string]string{"k": "small"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, metaPath("small.txt"))); !os.IsNotExist(err) {
		t.Errorf("small.txt got a sidecar (%v) although its attribute was accepted", err)
	}
	if a, err := st.Stat(ctx, "small.txt"); err != nil || a.Metadata["k"] != "small" {
		t.Errorf("stat = %+v, %v", a, err)
	}
}
