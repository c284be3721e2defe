package memory_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/internal/testbackends"
	"github.com/go-storages/storage/memory"
)

// newServed returns a memory storage whose public URLs are served by an
// httptest server (http.FileServer over the storage's fs view, standing in
// for a CDN) and whose signed URLs are HMAC URLs served by the same server.
func newServed(t *testing.T) *storage.Storage { return testbackends.OpenServed(t, "mem://") }

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{New: newServed, InProcessBytes: true})
}

func TestSavedBytesAreNotAliased(t *testing.T) {
	ctx := t.Context()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	src := []byte("original")
	if _, err := st.Save(ctx, "a.txt", bytes.NewReader(src), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	copy(src, "XXXXXXXX")
	r, err := st.Open(ctx, "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, _ := io.ReadAll(r)
	if string(got) != "original" {
		t.Fatalf("stored bytes changed with the caller's slice: %q", got)
	}
	a, err := st.Stat(ctx, "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	a.Checksums.MD5[0] ^= 0xff
	b, _ := st.Stat(ctx, "a.txt")
	if bytes.Equal(a.Checksums.MD5, b.Checksums.MD5) {
		t.Fatal("Stat returned the stored checksum slice itself")
	}
}

func TestClosed(t *testing.T) {
	ctx := t.Context()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, "a.txt"); err == nil {
		t.Fatal("Stat after Close succeeded")
	}
	if _, err := st.Save(ctx, "b.txt", strings.NewReader("x"), storage.SaveOptions{}); err == nil {
		t.Fatal("Save after Close succeeded")
	}
	for _, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err == nil {
			t.Fatal("List after Close yielded an entry")
		}
	}
}

func TestDriverOptionsRejected(t *testing.T) {
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Save(t.Context(), "a.txt", strings.NewReader("x"), storage.SaveOptions{DriverOptions: 1})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("Save with driver options of no driver: %v, want ErrInvalidArgument", err)
	}
}

func TestKnownSizeStoredExactly(t *testing.T) {
	// A Save whose size is known keeps one exactly sized slice: no growth,
	// no spare capacity kept alive.
	d := memory.NewDriver()
	data := bytes.Repeat([]byte("z"), 1<<20)
	if err := d.Write(t.Context(), "z", bytes.NewReader(data), &storage.WriteOptions{Size: int64(len(data))}); err != nil {
		t.Fatal(err)
	}
	rc, _, err := d.Read(t.Context(), "z", storage.ReadRequest{Length: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, data) {
		t.Fatal("wrong bytes")
	}
}
