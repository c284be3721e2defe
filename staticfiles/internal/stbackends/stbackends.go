// Package stbackends opens a fresh, empty storage on each backend the
// staticfiles tests and benchmarks run against: memory, the local
// filesystem, S3 (MinIO), GCS (fake-gcs-server) and Azure (Azurite), the
// cloud ones through internal/emulator (see internal/testbackends), all
// with the public base URL https://cdn.example.com/static/.
package stbackends

import (
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/testbackends"
)

// Backend opens a fresh storage.
type Backend struct {
	Name string
	Open func(t testing.TB) *storage.Storage
}

// All are every backend, cloud ones included.
func All() []Backend {
	var out []Backend
	for _, b := range testbackends.All() {
		out = append(out, Backend{b.Name, func(t testing.TB) *storage.Storage { return open(t, b.NewURL(t)) }})
	}
	return out
}

// S3 opens a fresh bucket on MinIO (or the service the environment names).
func S3(t testing.TB) *storage.Storage { return open(t, testbackends.S3URL(t)) }

func open(t testing.TB, u string) *storage.Storage {
	t.Helper()
	return testbackends.Open(t, u, storage.WithBaseURL("https://cdn.example.com/static/"))
}
