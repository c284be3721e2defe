package azure_test

import (
	"github.com/go-storages/storage/internal/driverof"
	"testing"

	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/savepath"
)

// A file saved through Storage reaches the driver as a file, so it is sent
// in sections read straight from it (no block buffers), with and without
// expected checksums and whatever its extension: one request and staged.
func TestSaveFileTakesTheFilePath(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	d := driverof.Get(st).(*azure.Driver)
	count := func() int64 { return azure.UploadsFromInput(d) }
	t.Run("single", func(t *testing.T) { savepath.Test(t, st, 100<<10, count) })
	t.Run("staged", func(t *testing.T) { savepath.Test(t, st, 1<<20, count) })
	t.Run("instrumented", func(t *testing.T) { savepath.TestInstrumented(t, st, 1<<20, count) })
}

// go test -run '^$' -bench BenchmarkSaveFile -benchtime 5x ./azure
func BenchmarkSaveFile(b *testing.B) {
	st := newStorage(b, azure.Config{})
	d := driverof.Get(st).(*azure.Driver)
	savepath.Benchmark(b, st, 64<<20, func() int64 { return azure.UploadsFromInput(d) })
}
