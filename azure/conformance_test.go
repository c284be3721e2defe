package azure_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/objtest"
)

// TestConformance runs the shared suite against Azurite (or the service of
// AZURE_STORAGE_CONNECTION_STRING): the run's private container, a fresh
// location prefix per case. Public URLs point at an httptest server that
// serves the container through the driver, because a private container is
// needed for the signature cases (see env).
func TestConformance(t *testing.T) {
	front := frontServer(t)
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) *storage.Storage {
			return newStorage(t, azure.Config{}, storage.WithBaseURL(front))
		},
		HTTPClient: &http.Client{Transport: blockBlobPUT{http.DefaultTransport}},
		NameLimit:  storage.MaxNameLength - len("t-") - 12 - 1,
		MissingBucket: func(t *testing.T) *storage.Storage {
			e, _ := env(t)
			st, err := azure.New(t.Context(), azure.Config{ConnectionString: e.ConnectionString, Container: emulator.UniqueName("gost-missing")},
				storage.WithLocation("case"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		WrongCredential: func(t *testing.T) *storage.Storage {
			e, name := env(t)
			key := make([]byte, 64)
			_, _ = rand.Read(key)
			st, err := azure.New(t.Context(), azure.Config{AccountName: e.AccountName, AccountKey: base64.StdEncoding.EncodeToString(key),
				ServiceURL: e.BlobEndpoint, Container: name}, storage.WithLocation("case"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
	})
}

// blockBlobPUT adds the header Azure requires on every Put Blob, which any
// client uploading to a SAS URL must send.
type blockBlobPUT struct{ rt http.RoundTripper }

func (b blockBlobPUT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && r.Header.Get("x-ms-blob-type") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("x-ms-blob-type", "BlockBlob")
	}
	return b.rt.RoundTrip(r)
}

var (
	frontOnce sync.Once
	frontURL  string
)

// frontServer serves GET and HEAD of the run's private container at
// /<blob name>, through a storage without location prefix.
func frontServer(t *testing.T) string {
	e, name := env(t)
	frontOnce.Do(func() {
		root, err := azure.New(t.Context(), azure.Config{ConnectionString: e.ConnectionString, Container: name})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(objtest.Handler(root))
		frontURL = srv.URL + "/"
		// The server lives as long as the test process.
	})
	return frontURL
}
