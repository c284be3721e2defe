package filesystem_test

import (
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/filesystem"
)

// TestConformance runs the shared suite: each case gets a fresh directory,
// public URLs served by an httptest server in front of the storage, and
// signed URLs through hmacurl.
func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage { return newStorage(t, filesystem.Config{}) },
	})
}

// TestConformanceUnderLocation runs the groups that create names (Rename
// through the filesystem's hard-link fast path among them) on a storage
// with a location prefix: every name Save returns must open under it.
func TestConformanceUnderLocation(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			st, err := newStorage(t, filesystem.Config{}).Sub("loc/deeper")
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		Groups: []string{"save", "policy", "concurrency", "list", "copy"},
	})
}

// TestConformanceSidecars runs the suite with the metadata in sidecars, as
// on a filesystem without extended attributes.
func TestConformanceSidecars(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage { return newStorage(t, filesystem.Config{Sidecars: true}) },
	})
}
