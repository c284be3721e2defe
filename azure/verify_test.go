package azure_test

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/corrupt"
)

// TestDownloadVerified: whole reads of a staged blob (CRC32C in its
// metadata) and of a blob uploaded in one request (Content-MD5) are checked
// through Read, the parallel ranged download behind WriteTo and ReadRange;
// a body corrupted in transit fails with ErrChecksum.
func TestDownloadVerified(t *testing.T) {
	var on atomic.Bool
	st := newStorage(t, azure.Config{
		BlockSize: 256 << 10, DownloadConcurrency: 3,
		ClientOptions: &azblob.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: corrupt.GETs{On: &on}}},
	})
	ctx := t.Context()
	staged := randBytes(t, 1<<20+7)
	single := randBytes(t, 100<<10)
	for name, data := range map[string][]byte{"staged.bin": staged, "single.bin": single} {
		if _, err := st.Save(ctx, name, onlyReader{bytes.NewReader(data)}, storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
			t.Fatal(err)
		}
	}
	reads := func(t *testing.T, name string, data []byte, want error) {
		check := func(what string, got []byte, err error) {
			t.Helper()
			if want == nil {
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%s: %d bytes, %v", what, len(got), err)
				}
				return
			}
			if !errors.Is(err, want) {
				t.Fatalf("%s: %v, want %v", what, err, want)
			}
		}
		r, err := st.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		sums := r.Attributes().Checksums
		if len(sums.CRC32C) == 0 && len(sums.MD5) == 0 {
			t.Fatalf("Open of %s reports no checksum", name)
		}
		var b bytes.Buffer
		_, err = r.WriteTo(&b)
		r.Close()
		check("WriteTo", b.Bytes(), err)
		r, err = st.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(onlyReader{r})
		r.Close()
		check("Read", got, err)
		rc, err := st.ReadRange(ctx, name, 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(rc)
		rc.Close()
		check("ReadRange", got, err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"staged.bin", staged}, {"single.bin", single}} {
		t.Run(c.name, func(t *testing.T) {
			on.Store(false)
			reads(t, c.name, c.data, nil)
			on.Store(true)
			defer on.Store(false)
			reads(t, c.name, c.data, storage.ErrChecksum)
		})
	}
}
