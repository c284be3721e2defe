package thanos_test

import (
	"testing"

	"github.com/thanos-io/objstore"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/testbackends"
	"github.com/go-storages/storage/thanos"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// TestAcceptance runs objstore's own acceptance test over the bucket on
// every driver of this module, each on a fresh location prefix.
func TestAcceptance(t *testing.T) {
	for _, b := range testbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel() // mostly waiting on the emulators and the 200 MiB upload
			st := testbackends.Open(t, b.NewURL(t), storage.WithLocation(emulator.UniqueName("objstore")))
			objstore.AcceptanceTest(t, thanos.NewBucket(st, b.Name))
		})
	}
}
