package memory_test

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/localbench"
	"github.com/go-storages/storage/memory"
)

// The benchmarks put the driver side by side with what a user would write
// without it (a mutex-guarded map), in the same run:
//
//	go test -run '^$' -bench . -count 6 ./memory/ | tee mem.txt
//	benchstat -col /impl mem.txt

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
	localbench.CompareSave(b, benchStorage(b), localbench.Impl{Name: "raw", Prepare: func(_ *testing.B, data []byte) func() error {
		s := &rawMap{m: map[string][]byte{}}
		return func() error { return s.save("obj.bin", bytes.NewReader(data)) }
	}})
}

func BenchmarkOpen(b *testing.B) {
	localbench.CompareOpen(b, benchStorage(b), localbench.Impl{Name: "raw", Prepare: func(b *testing.B, data []byte) func() error {
		s := &rawMap{m: map[string][]byte{}}
		if err := s.save("obj.bin", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		return func() error {
			if got := s.open("obj.bin"); len(got) != len(data) {
				return fmt.Errorf("read %d bytes, want %d", len(got), len(data))
			}
			return nil
		}
	}})
}

func benchStorage(b *testing.B) *storage.Storage {
	st, err := memory.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
