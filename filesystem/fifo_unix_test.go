//go:build unix

package filesystem_test

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
)

// A FIFO where an object would be is not an object, and opening it does not
// block (no writer will come): Open, Stat and Copy from it fail at once.
func TestFIFOIsNotAnObject(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	ctx := context.Background()
	if err := syscall.Mkfifo(filepath.Join(rootOf(st), "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Open(ctx, "pipe"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("open: %v", err)
	}
	if _, err := st.Stat(ctx, "pipe"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("stat: %v", err)
	}
	if _, err := st.Copy(ctx, "copy", "pipe", storage.CopyOptions{}); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("copy: %v", err)
	}
}
