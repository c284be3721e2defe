// Package localbench holds what the benchmarks of the local drivers
// (memory, filesystem) share: the sizes and payload they compare at, a
// benchmark loop that reports allocations and CPU time, and the storage
// side of the Save and Open comparisons, so that each driver's benchmark
// file holds only its raw alternative.
package localbench

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
)

// Sizes are the object sizes the Save and Open benchmarks compare at.
var Sizes = []struct {
	Name string
	N    int
}{{"4KiB", 4 << 10}, {"64MiB", 64 << 20}}

// Payload returns n bytes that do not compress, the same on every run.
func Payload(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

// Loop runs op in b.Loop as an operation on n bytes (b.SetBytes),
// reporting allocations and cpu-ns/op; an error from op fails b.
func Loop(b *testing.B, n int, op func() error) {
	b.Helper()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	cpu := benchmetrics.CPU()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	benchmetrics.ReportCPU(b, cpu)
}

// Save is the storage side of a Save benchmark: data saved over name.
func Save(b *testing.B, st *storage.Storage, name string, data []byte) {
	ctx := context.Background()
	Loop(b, len(data), func() error {
		_, err := st.Save(ctx, name, bytes.NewReader(data), storage.SaveOptions{Conflict: storage.Overwrite})
		return err
	})
}

// Open is the storage side of an Open benchmark: name, of n bytes, opened
// and read into a buffer of its size, as a caller reading a file does.
func Open(b *testing.B, st *storage.Storage, name string, n int) {
	ctx := context.Background()
	Loop(b, n, func() error {
		r, err := st.Open(ctx, name)
		if err != nil {
			return err
		}
		defer r.Close()
		buf := make([]byte, r.Size())
		_, err = io.ReadFull(r, buf)
		return err
	})
}
