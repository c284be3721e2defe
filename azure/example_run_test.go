package azure_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	azservice "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/emulator"
)

// ExampleSaveOptions needs a service and a file, so it has no Output: this
// test runs it against Azurite, in a directory holding backup.tar, and
// checks what it saved.
func TestExampleSaveOptions(t *testing.T) {
	e := emulator.Azure(t)
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", e.ConnectionString)
	ctx := t.Context()
	svc, err := azservice.NewClientFromConnectionString(e.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateContainer(ctx, "archive", nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		t.Fatal(err)
	}
	st, err := azure.New(ctx, azure.Config{Container: "archive"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Delete(ctx, "2026/backup.tar"); err != nil { // an earlier run's, on a shared Azurite
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("tar "), 1<<18)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "backup.tar"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	ExampleSaveOptions()

	r, err := st.Open(ctx, "2026/backup.tar")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got bytes.Buffer
	if _, err := got.ReadFrom(r); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("saved %d bytes (%v), want the file's %d", got.Len(), errors.Unwrap(err), len(data))
	}
}
