package azure_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/driverof"
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

// A file staged in blocks with a wrong expected checksum is verified after
// staging, before the commit: ErrChecksum, nothing visible, the previous
// object intact.
func TestSaveFileWrongChecksumStaged(t *testing.T) {
	st := newStorage(t, azure.Config{BlockSize: 256 << 10})
	ctx := t.Context()
	if _, err := st.Save(ctx, "keep.bin", strings.NewReader("previous"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	f, sums := savepath.File(t, 1<<20)
	sums.SHA256[0] ^= 1
	for _, name := range []string{"new.bin", "keep.bin"} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		_, err := st.Save(ctx, name, f, storage.SaveOptions{Conflict: storage.Overwrite, Checksums: sums})
		if !errors.Is(err, storage.ErrChecksum) {
			t.Fatalf("Save(%s) with a wrong SHA-256: %v, want ErrChecksum", name, err)
		}
	}
	if ok, err := st.Exists(ctx, "new.bin"); ok || err != nil {
		t.Fatalf("new.bin exists after a failed verification (%v)", err)
	}
	r, err := st.Open(ctx, "keep.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := io.ReadAll(r); err != nil || string(b) != "previous" {
		t.Fatalf("keep.bin = %q, %v", b, err)
	}
}
