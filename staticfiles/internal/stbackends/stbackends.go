// Package stbackends opens a fresh, empty storage on each backend the
// staticfiles tests and benchmarks run against: memory, the local
// filesystem, S3 (MinIO), GCS (fake-gcs-server) and Azure (Azurite), the
// cloud ones through internal/emulator.
package stbackends

import (
	"context"
	"net/url"
	"testing"

	"github.com/go-storages/storage"
	_ "github.com/go-storages/storage/azure" // azblob://
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/gcs" // gs://
	"github.com/go-storages/storage/internal/emulator"
	_ "github.com/go-storages/storage/memory"
	_ "github.com/go-storages/storage/s3" // s3://
)

// Backend opens a fresh storage.
type Backend struct {
	Name string
	Open func(t testing.TB) *storage.Storage
}

// All are every backend, cloud ones included.
func All() []Backend {
	return []Backend{
		{"memory", func(t testing.TB) *storage.Storage { return open(t, "mem://") }},
		{"filesystem", func(t testing.TB) *storage.Storage { return open(t, "file://"+t.TempDir()) }},
		{"s3-minio", S3},
		{"gcs-fake-gcs-server", func(t testing.TB) *storage.Storage {
			e := emulator.GCS(t)
			bucket := emulator.NewGCSBucket(t, e, "gost-sf")
			q := url.Values{"endpoint": {"http://" + e.Host}, "emulator": {"true"}}
			return open(t, "gs://"+bucket+"?"+q.Encode())
		}},
		{"azure-azurite", func(t testing.TB) *storage.Storage {
			e := emulator.Azure(t)
			name := emulator.NewAzureContainer(t, e, "gost-sf")
			q := url.Values{"connection_string": {e.ConnectionString}}
			return open(t, "azblob://"+name+"?"+q.Encode())
		}},
	}
}

// S3 opens a fresh bucket on MinIO (or the service the environment names).
func S3(t testing.TB) *storage.Storage {
	e := emulator.S3(t)
	bucket := emulator.NewS3Bucket(t, e, "gost-sf")
	q := url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "access_key_id": {e.AccessKey},
		"secret_access_key": {e.SecretKey}, "use_path_style": {"true"}}
	return open(t, "s3://"+bucket+"?"+q.Encode())
}

func open(t testing.TB, u string) *storage.Storage {
	t.Helper()
	st, err := storage.Open(context.Background(), u, storage.WithBaseURL("https://cdn.example.com/static/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
