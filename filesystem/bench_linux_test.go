//go:build linux

package filesystem_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/internal/localbench"
)

// BenchmarkSaveTreeRaw is BenchmarkSaveTree/meta=xattr's work as a user
// would write it without the driver, and without its guarantees: each
// directory created once, the file created under its final name (a reader
// can see it partial), written, given the same attribute, closed. It is the
// floor of a Save with headers into a directory: one inode, no temporary
// name, no rename, no confinement.
//
//	go test -run '^$' -bench 'SaveTree(Raw)?$' -count 6 ./filesystem/
func BenchmarkSaveTreeRaw(b *testing.B) {
	data := localbench.Payload(2 << 10)
	attr := []byte(`{"content_encoding":"gzip"}`)
	root := b.TempDir()
	b.ReportAllocs()
	cpu := benchmetrics.CPU()
	i := 0
	for b.Loop() {
		dir := filepath.Join(root, "static", fmt.Sprintf("app%d", i/16), "css")
		if i%16 == 0 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("f%d.css", i)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(data); err != nil {
			b.Fatal(err)
		}
		if err := unix.Fsetxattr(int(f.Fd()), "user.go-storages.meta", attr, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		i++
	}
	benchmetrics.ReportCPU(b, cpu)
}
