package gocloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/blob/drivertest"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/testbackends"
)

// TestDrivertest runs gocloud.dev's own conformance suite
// (drivertest.RunConformanceTests, the gocloud.dev version of go.mod) over
// gocloud.OpenBucket on every driver of this module. Every harness is a
// fresh storage: a new location prefix of one bucket per cloud driver.
func TestDrivertest(t *testing.T) {
	for _, b := range testbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			u := b.NewURL(t)
			drivertest.RunConformanceTests(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
				if reason, ok := drivertestKnown[b.Name][caseName(t)]; ok {
					t.Skip("known difference: " + reason)
				}
				open := testbackends.Open
				if !b.NativeSigning {
					open = testbackends.OpenServed
				}
				h := &harness{t: t, b: b, st: open(t, u, storage.WithLocation(emulator.UniqueName("dt")))}
				return h, nil
			}, []drivertest.AsTest{asTest{}})
		})
	}
}

// drivertestKnown are the cases a backend fails for a reason outside this
// module, by backend and case (the test name below TestDrivertest/NAME/).
var drivertestKnown = map[string]map[string]string{}

// caseName is t's name below TestDrivertest/BACKEND/.
func caseName(t *testing.T) string {
	parts := strings.SplitN(t.Name(), "/", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

type harness struct {
	t  *testing.T
	b  testbackends.Backend
	st *storage.Storage
}

func (h *harness) MakeDriver(context.Context) (driver.Bucket, error) {
	return gocloud.NewBucketDriver(h.st), nil
}

func (h *harness) MakeDriverForNonexistentBucket(context.Context) (driver.Bucket, error) {
	if h.b.MissingURL == nil {
		return nil, nil // memory and the filesystem have no buckets
	}
	return gocloud.NewBucketDriver(testbackends.Open(h.t, h.b.MissingURL(h.t))), nil
}

// HTTPClient fetches signed URLs. Azure's Put Blob needs the header
// x-ms-blob-type, which an uploader to a SAS URL must send (the storage's
// own suite sends it too).
func (h *harness) HTTPClient() *http.Client {
	if h.b.Name == "azure-azurite" {
		return &http.Client{Transport: blobType{http.DefaultTransport}}
	}
	return http.DefaultClient
}

type blobType struct{ next http.RoundTripper }

func (b blobType) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		r = r.Clone(r.Context())
		r.Header.Set("x-ms-blob-type", "BlockBlob")
	}
	return b.next.RoundTrip(r)
}

func (h *harness) SupportsCopy() bool               { return true }
func (h *harness) SupportsNonSlashDelimiters() bool { return true }
func (h *harness) Close()                           {}

// asTest checks what As exposes: the storage, its attributes, its reader,
// its listing entries and its errors.
type asTest struct{}

func (asTest) Name() string { return "storage types" }

func (asTest) BucketCheck(b *blob.Bucket) error {
	var st *storage.Storage
	if !b.As(&st) || st == nil {
		return errors.New("Bucket.As(*storage.Storage) failed")
	}
	return nil
}

func (asTest) ErrorCheck(b *blob.Bucket, err error) error {
	var e *storage.Error
	if !b.ErrorAs(err, &e) || !errors.Is(e, storage.ErrNotExist) {
		return errors.New("ErrorAs(*storage.Error) failed or not ErrNotExist")
	}
	return nil
}

func (asTest) BeforeRead(as func(any) bool) error {
	var r *storage.Reader
	if !as(&r) || r == nil {
		return errors.New("BeforeRead's As(*storage.Reader) failed")
	}
	return nil
}

func (asTest) BeforeWrite(func(any) bool) error  { return nil }
func (asTest) BeforeCopy(func(any) bool) error   { return nil }
func (asTest) BeforeDelete(func(any) bool) error { return nil }
func (asTest) BeforeList(func(any) bool) error   { return nil }
func (asTest) BeforeSign(func(any) bool) error   { return nil }

func (asTest) AttributesCheck(a *blob.Attributes) error {
	var sa *storage.Attributes
	if !a.As(&sa) || sa == nil || sa.Size != a.Size {
		return errors.New("Attributes.As(*storage.Attributes) failed")
	}
	return nil
}

func (asTest) ReaderCheck(r *blob.Reader) error {
	var sr *storage.Reader
	if !r.As(&sr) || sr == nil {
		return errors.New("Reader.As(*storage.Reader) failed")
	}
	return nil
}

func (asTest) ListObjectCheck(o *blob.ListObject) error {
	if o.IsDir {
		return nil
	}
	var e storage.Entry
	if !o.As(&e) || e.Name == "" {
		return errors.New("ListObject.As(*storage.Entry) failed")
	}
	return nil
}
