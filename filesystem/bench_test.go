package filesystem_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/internal/localbench"
)

// The benchmarks put the driver side by side with what a user would write
// without it, in the same run and the same directory:
//
//	go test -run '^$' -bench . -count 6 ./filesystem/ | tee fs.txt
//	benchstat -col /impl fs.txt

func BenchmarkSave(b *testing.B) {
	dir := b.TempDir()
	localbench.CompareSave(b, benchStorage(b, dir),
		localbench.Impl{Name: "raw", Prepare: func(_ *testing.B, data []byte) func() error {
			p := filepath.Join(dir, "raw.bin")
			return func() error { return os.WriteFile(p, data, 0o644) }
		}},
		// What a careful user writes for an atomic replace: a temporary file
		// renamed over the name.
		localbench.Impl{Name: "rawrename", Prepare: func(_ *testing.B, data []byte) func() error {
			p, tmp := filepath.Join(dir, "rawrename.bin"), filepath.Join(dir, "rawrename.tmp")
			return func() error {
				if err := os.WriteFile(tmp, data, 0o644); err != nil {
					return err
				}
				return os.Rename(tmp, p)
			}
		}})
}

func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	localbench.CompareOpen(b, benchStorage(b, dir), localbench.Impl{Name: "raw", Prepare: func(b *testing.B, data []byte) func() error {
		raw := filepath.Join(dir, "raw.bin")
		if err := os.WriteFile(raw, data, 0o644); err != nil {
			b.Fatal(err)
		}
		return func() error {
			got, err := os.ReadFile(raw)
			if err == nil && len(got) != len(data) {
				err = fmt.Errorf("read %d bytes, want %d", len(got), len(data))
			}
			return err
		}
	}})
}

func benchStorage(b *testing.B, dir string) *storage.Storage {
	st, err := filesystem.New(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkSaveTree is what collectstatic into a directory does: many small
// objects in nested directories, new names each time, half of them with
// headers (Content-Encoding of the precompressed copies) that the driver
// keeps in an extended attribute (meta=xattr) or, with Config.Sidecars or
// where the filesystem has no extended attributes, in a JSON sidecar
// (meta=sidecar).
//
//	go test -run '^$' -bench SaveTree -count 6 ./filesystem/ | tee tree.txt
func BenchmarkSaveTree(b *testing.B) {
	ctx := context.Background()
	data := localbench.Payload(2 << 10)
	plain := storage.SaveOptions{Conflict: storage.Overwrite}
	encoded := storage.SaveOptions{Conflict: storage.Overwrite, ContentEncoding: "gzip"}
	for _, kind := range []struct {
		name string
		cfg  filesystem.Config
		opts storage.SaveOptions
	}{
		{"meta=none", filesystem.Config{}, plain},
		{"meta=xattr", filesystem.Config{}, encoded},
		{"meta=sidecar", filesystem.Config{Sidecars: true}, encoded},
	} {
		b.Run(kind.name, func(b *testing.B) {
			root := b.TempDir()
			kind.cfg.Root = root
			st, err := filesystem.NewWithConfig(kind.cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			i := 0
			for b.Loop() {
				// 16 files a directory, three levels deep, like a static tree.
				name := fmt.Sprintf("static/app%d/css/f%d.css", i/16, i)
				if _, err := st.Save(ctx, name, bytes.NewReader(data), kind.opts); err != nil {
					b.Fatal(err)
				}
				i++
			}
			benchmetrics.ReportCPU(b, cpu)
			// Every file and directory the Saves left (no overwrites here,
			// so every inode they created): the objects, their directories,
			// sidecars and the sidecars' directories.
			inodes := 0
			if err := filepath.WalkDir(root, func(string, fs.DirEntry, error) error { inodes++; return nil }); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(inodes-1)/float64(i), "inodes/op")
		})
	}
}
