// Package testbackends opens fresh storages on every backend of this
// module for tests and benchmarks: memory, the local filesystem, S3
// (MinIO), GCS (fake-gcs-server) and Azure (Azurite), the cloud ones
// through internal/emulator (or the services the environment names, see
// there).
package testbackends

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/go-storages/storage"
	_ "github.com/go-storages/storage/azure" // azblob://
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/gcs" // gs://
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/internal/emulator"
	_ "github.com/go-storages/storage/memory"
	_ "github.com/go-storages/storage/s3" // s3://
)

// Backend is one backend.
type Backend struct {
	Name string
	// NewURL makes a fresh, empty namespace (a new bucket or directory;
	// memory's "mem://" is new at every Open) and returns its storage URL.
	NewURL func(t testing.TB) string
	// MissingURL is the URL of a bucket that does not exist; nil for
	// memory and the filesystem, which have no buckets.
	MissingURL func(t testing.TB) string
	// NativeSigning: the driver signs URLs itself and the service checks
	// the signatures (false: sign with hmacurl, see [OpenServed]).
	NativeSigning bool
}

// All are every backend, cloud ones included.
func All() []Backend {
	return []Backend{
		{Name: "memory", NewURL: func(testing.TB) string { return "mem://" }},
		{Name: "filesystem", NewURL: func(t testing.TB) string { return "file://" + t.TempDir() }},
		{Name: "s3-minio", NewURL: S3URL, MissingURL: func(t testing.TB) string {
			return "s3://" + emulator.UniqueName("gost-missing") + "?" + s3Query(emulator.S3(t))
		}, NativeSigning: true},
		{Name: "gcs-fake-gcs-server", NewURL: func(t testing.TB) string {
			e := emulator.GCS(t)
			return "gs://" + emulator.NewGCSBucket(t, e, "gost-tb") + "?" + gcsQuery(e)
		}, MissingURL: func(t testing.TB) string {
			return "gs://" + emulator.UniqueName("gost-missing") + "?" + gcsQuery(emulator.GCS(t))
		}},
		{Name: "azure-azurite", NewURL: func(t testing.TB) string {
			e := emulator.Azure(t)
			return "azblob://" + emulator.NewAzureContainer(t, e, "gost-tb") + "?" + azureQuery(e)
		}, MissingURL: func(t testing.TB) string {
			return "azblob://" + emulator.UniqueName("gost-missing") + "?" + azureQuery(emulator.Azure(t))
		}, NativeSigning: true},
	}
}

// S3URL makes a fresh bucket on MinIO (or the service the environment
// names) and returns its URL.
func S3URL(t testing.TB) string {
	e := emulator.S3(t)
	return "s3://" + emulator.NewS3Bucket(t, e, "gost-tb") + "?" + s3Query(e)
}

func s3Query(e emulator.S3Env) string {
	return url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "access_key_id": {e.AccessKey},
		"secret_access_key": {e.SecretKey}, "use_path_style": {"true"}}.Encode()
}

// fake-gcs-server checks no signature: the emulator flag makes the driver
// sign with a test key, and its URLs are not refused when tampered.
func gcsQuery(e emulator.GCSEnv) string {
	return url.Values{"endpoint": {"http://" + e.Host}, "emulator": {"true"}}.Encode()
}

func azureQuery(e emulator.AzureEnv) string {
	return url.Values{"connection_string": {e.ConnectionString}}.Encode()
}

// TB is what Open and OpenServed need of a test: testing.TB has it, and so
// has the conformance suite's T.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// Open opens the storage at u, closed when the test ends.
func Open(t TB, u string, opts ...storage.Option) *storage.Storage {
	t.Helper()
	st, err := storage.Open(context.Background(), u, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// OpenServed opens the storage at u with its signed URLs (hmacurl) and
// public URLs (http.FileServer over its fs view) served by an httptest
// server, for backends without native signing.
func OpenServed(t TB, u string, opts ...storage.Option) *storage.Storage {
	t.Helper()
	return Serve(t, func(more ...storage.Option) *storage.Storage { return Open(t, u, append(opts, more...)...) })
}

// Serve is OpenServed for a storage that open makes with the options it
// is given (the served base URL and signer), closed by the caller.
func Serve(t TB, open func(...storage.Option) *storage.Storage) *storage.Storage {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sg, err := hmacurl.New(srv.URL+"/signed/", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	st := open(storage.WithBaseURL(srv.URL+"/public/"), storage.WithSigner(sg))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	mux.Handle("/public/", http.StripPrefix("/public", http.FileServer(http.FS(st.FS(ctx)))))
	mux.Handle("/signed/", sg.Handler(st))
	return st
}
