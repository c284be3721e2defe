package gocloud_test

import (
	"errors"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/testbackends"
)

// serve returns a storage over b whose public URLs are served by an httptest
// server (http.FileServer over the storage's fs view, standing in for a CDN)
// and whose signed URLs are HMAC URLs served by the same server.
func serve(t *testing.T, b *blob.Bucket, scheme string) *storage.Storage {
	st := testbackends.Serve(t, func(opts ...storage.Option) *storage.Storage {
		st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: scheme}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformanceMemblob(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New:            func(t *testing.T) *storage.Storage { return serve(t, memblob.OpenBucket(nil), "mem") },
		InProcessBytes: true,
		// memblob buffers each upload in a bytes.Buffer and stores its
		// Bytes(), so a stored object keeps the buffer's spare capacity (up
		// to its size again, by bytes.Buffer's doubling): the backend stores
		// up to twice the object. The bridge itself streams (the read side
		// keeps the default allowance).
		MaxExtraHeap: 64<<20 + 256<<20,
	})
}

// fileblobSegment: gocloud.dev's fileblob (v0.47) writes a blob through a
// temporary file named <segment>.<16 hex digits>.tmp, so it cannot store a
// key whose last segment has more than 233 bytes at all (ENAMETOOLONG, which
// the bridge reports as storage.ErrInvalidName): the first Save of these
// cases fails. The Rename policy itself is the portable layer's, proven on
// every other driver.
const fileblobSegment = "fileblob stores no key segment over 233 bytes (its temporary file adds 21 bytes to the 255-byte limit)"

func TestConformanceFileblob(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			b, err := fileblob.OpenBucket(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return serve(t, b, "file")
		},
		Known: map[string]string{
			"policy/rename-long-segment":            fileblobSegment,
			"policy/rename-long-segment-repeatedly": fileblobSegment,
		},
	})
}

// fileblob cannot hold a long key segment: the bridge says so with
// ErrInvalidName rather than an error of no kind.
func TestFileblobLongSegment(t *testing.T) {
	b, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "file"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.Save(t.Context(), "d/"+strings.Repeat("s", 250), strings.NewReader("x"), storage.SaveOptions{})
	if !errors.Is(err, storage.ErrInvalidName) {
		t.Fatalf("Save of a 250-byte segment on fileblob = %v, want ErrInvalidName", err)
	}
}
