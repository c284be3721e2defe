package s3_test

import (
	"github.com/go-storages/storage/internal/driverof"
	"testing"

	"github.com/go-storages/storage/internal/savepath"
	"github.com/go-storages/storage/s3"
)

// A file saved through Storage reaches the driver as a file, so its parts
// are read at offsets straight from it (no part buffers), with and without
// expected checksums and whatever its extension: one request and multipart.
func TestSaveFileTakesTheFilePath(t *testing.T) {
	st := newStorage(t, smallParts(t, newBucket(t, false)))
	d := driverof.Get(st).(*s3.Driver)
	count := func() int64 { return s3.UploadsFromInput(d) }
	t.Run("single", func(t *testing.T) { savepath.Test(t, st, 1<<20, count) })
	t.Run("multipart", func(t *testing.T) { savepath.Test(t, st, 2*s3.MinPartSize+10, count) })
	t.Run("instrumented", func(t *testing.T) { savepath.TestInstrumented(t, st, 2*s3.MinPartSize+10, count) })
}

// go test -run '^$' -bench BenchmarkSaveFile -benchtime 5x ./s3
func BenchmarkSaveFile(b *testing.B) {
	cfg := config(b, newBucket(b, false))
	st := newStorage(b, cfg)
	d := driverof.Get(st).(*s3.Driver)
	savepath.Benchmark(b, st, 64<<20, func() int64 { return s3.UploadsFromInput(d) })
}
