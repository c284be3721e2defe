package filesystem_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/benchmetrics"
)

// The benchmarks put the driver side by side with what a user would write
// without it, in the same run and the same directory:
//
//	go test -run '^$' -bench . -count 6 ./filesystem/ | tee fs.txt
//	benchstat -col /impl fs.txt
var benchSizes = []struct {
	name string
	n    int
}{{"4KiB", 4 << 10}, {"64MiB", 64 << 20}}

func payload(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	for _, sz := range benchSizes {
		data := payload(sz.n)
		dir := b.TempDir()
		b.Run("size="+sz.name+"/impl=raw", func(b *testing.B) {
			p := filepath.Join(dir, "raw.bin")
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				if err := os.WriteFile(p, data, 0o644); err != nil {
					b.Fatal(err)
				}
			}
			benchmetrics.ReportCPU(b, cpu)
		})
		// What a careful user writes for an atomic replace: a temporary file
		// renamed over the name.
		b.Run("size="+sz.name+"/impl=rawrename", func(b *testing.B) {
			p, tmp := filepath.Join(dir, "rawrename.bin"), filepath.Join(dir, "rawrename.tmp")
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				if err := os.WriteFile(tmp, data, 0o644); err != nil {
					b.Fatal(err)
				}
				if err := os.Rename(tmp, p); err != nil {
					b.Fatal(err)
				}
			}
			benchmetrics.ReportCPU(b, cpu)
		})
		b.Run("size="+sz.name+"/impl=storage", func(b *testing.B) {
			st, err := filesystem.New(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				if _, err := st.Save(ctx, "obj.bin", bytes.NewReader(data), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
					b.Fatal(err)
				}
			}
			benchmetrics.ReportCPU(b, cpu)
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	for _, sz := range benchSizes {
		data := payload(sz.n)
		dir := b.TempDir()
		st, err := filesystem.New(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Save(ctx, "obj.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
			b.Fatal(err)
		}
		raw := filepath.Join(dir, "raw.bin")
		if err := os.WriteFile(raw, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run("size="+sz.name+"/impl=raw", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				got, err := os.ReadFile(raw)
				if err != nil || len(got) != sz.n {
					b.Fatal(len(got), err)
				}
			}
			benchmetrics.ReportCPU(b, cpu)
		})
		b.Run("size="+sz.name+"/impl=storage", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				r, err := st.Open(ctx, "obj.bin")
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, r.Size())
				if _, err := io.ReadFull(r, buf); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			benchmetrics.ReportCPU(b, cpu)
		})
		st.Close()
	}
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
	data := payload(2 << 10)
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
