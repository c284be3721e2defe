// Package localbench holds what the benchmarks of the local drivers
// (memory, filesystem) share: the sizes and payload they compare at, a
// benchmark loop that reports allocations and CPU time, and the Save and
// Open comparisons themselves, so that each driver's benchmark file holds
// only the raw alternatives it is measured against.
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

// Impl is the alternative a user would write without the storage, in a
// comparison: Prepare gets the payload of one size, does any setup (store
// it first, for a read) and returns the operation to time.
type Impl struct {
	Name    string
	Prepare func(b *testing.B, data []byte) (op func() error)
}

// CompareSave runs, for each of Sizes, the sub-benchmarks
// size=<size>/impl=<name> of each alternative and size=<size>/impl=storage:
// the payload saved over one name of st.
func CompareSave(b *testing.B, st *storage.Storage, alts ...Impl) {
	ctx := context.Background()
	compare(b, alts, func(b *testing.B, data []byte) func() error {
		return func() error {
			_, err := st.Save(ctx, "obj.bin", bytes.NewReader(data), storage.SaveOptions{Conflict: storage.Overwrite})
			return err
		}
	})
}

// CompareOpen is CompareSave for reading an object whole: the storage side
// saves the payload, then opens it and reads it into a buffer of its size,
// as a caller reading a file does.
func CompareOpen(b *testing.B, st *storage.Storage, alts ...Impl) {
	ctx := context.Background()
	compare(b, alts, func(b *testing.B, data []byte) func() error {
		if _, err := st.Save(ctx, "obj.bin", bytes.NewReader(data), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
			b.Fatal(err)
		}
		return func() error {
			r, err := st.Open(ctx, "obj.bin")
			if err != nil {
				return err
			}
			defer r.Close()
			buf := make([]byte, r.Size())
			_, err = io.ReadFull(r, buf)
			return err
		}
	})
}

func compare(b *testing.B, alts []Impl, storageOp func(*testing.B, []byte) func() error) {
	for _, sz := range Sizes {
		data := Payload(sz.N)
		for _, impl := range append(alts, Impl{"storage", storageOp}) {
			b.Run("size="+sz.Name+"/impl="+impl.Name, func(b *testing.B) {
				Loop(b, sz.N, impl.Prepare(b, data))
			})
		}
	}
}
