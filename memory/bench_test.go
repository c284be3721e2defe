package memory_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/benchmetrics"
	"github.com/go-storages/storage/memory"
)

// The benchmarks put the driver side by side with what a user would write
// without it (a mutex-guarded map), in the same run:
//
//	go test -run '^$' -bench . -count 6 ./memory/ | tee mem.txt
//	benchstat -col /impl mem.txt
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

// rawMap is the baseline: a map guarded by a mutex, storing a copy of what
// the reader yields.
type rawMap struct {
	mu sync.RWMutex
	m  map[string][]byte
}

func (s *rawMap) save(name string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.m[name] = b
	s.mu.Unlock()
	return nil
}

// open returns a copy of the stored bytes. The compiler turns this
// make-and-copy into one allocation that is not zeroed first
// (runtime.makeslicecopy); reading through any io.Reader, as the storage
// benchmark does, needs a zeroed buffer of the object's size first.
func (s *rawMap) open(name string) []byte {
	s.mu.RLock()
	b := s.m[name]
	s.mu.RUnlock()
	out := make([]byte, len(b))
	copy(out, b)
	return out
}

func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	for _, sz := range benchSizes {
		data := payload(sz.n)
		b.Run("size="+sz.name+"/impl=raw", func(b *testing.B) {
			s := &rawMap{m: map[string][]byte{}}
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				if err := s.save("obj.bin", bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
			benchmetrics.ReportCPU(b, cpu)
		})
		b.Run("size="+sz.name+"/impl=storage", func(b *testing.B) {
			st, err := memory.New()
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
		raw := &rawMap{m: map[string][]byte{}}
		if err := raw.save("obj.bin", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		st, err := memory.New()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Save(ctx, "obj.bin", bytes.NewReader(data), storage.SaveOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run("size="+sz.name+"/impl=raw", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			cpu := benchmetrics.CPU()
			for b.Loop() {
				if got := raw.open("obj.bin"); len(got) != sz.n {
					b.Fatal(len(got))
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
