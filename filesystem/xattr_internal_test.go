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
