//go:build !noconformance

package s3_test

import (
	"sync/atomic"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/internal/emulator"
)

// TestConformance runs the shared suite against the test service: one bucket
// for the run, a location prefix per case.
func TestConformance(t *testing.T) {
	bucket := newBucket(t, true)
	cfg := config(t, bucket)
	cfg.PublicBucket = true // URL(name) is fetched
	var n atomic.Int64
	const prefixLen = len("case-0000/")
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			loc := "case-" + pad4(n.Add(1))
			return newStorage(t, cfg, storage.WithLocation(loc))
		},
		NameLimit: storage.MaxNameLength - prefixLen,
		MissingBucket: func(t *testing.T) *storage.Storage {
			return newStorage(t, config(t, emulator.UniqueName("gost-missing")), storage.WithLocation("case"))
		},
		WrongCredential: func(t *testing.T) *storage.Storage {
			wrong := cfg
			wrong.SecretAccessKey = "wrong-" + cfg.SecretAccessKey
			return newStorage(t, wrong, storage.WithLocation("case"))
		},
	})
}
