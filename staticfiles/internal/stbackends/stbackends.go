// Package stbackends opens a fresh, empty storage on each backend the
// staticfiles tests and benchmarks run against: memory, the local
// filesystem, S3 (MinIO), GCS (fake-gcs-server) and Azure (Azurite), the
// cloud ones through internal/emulator.
package stbackends

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"

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
			bucket := emulator.UniqueName("gost-sf")
			body, _ := json.Marshal(map[string]string{"name": bucket})
			resp, err := http.Post("http://"+e.Host+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("create bucket: %s", resp.Status)
			}
			q := url.Values{"endpoint": {"http://" + e.Host}, "emulator": {"true"}}
			return open(t, "gs://"+bucket+"?"+q.Encode())
		}},
		{"azure-azurite", func(t testing.TB) *storage.Storage {
			e := emulator.Azure(t)
			svc, err := service.NewClientFromConnectionString(e.ConnectionString, nil)
			if err != nil {
				t.Fatal(err)
			}
			name := emulator.UniqueName("gost-sf")
			if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
				t.Fatal(err)
			}
			q := url.Values{"connection_string": {e.ConnectionString}}
			return open(t, "azblob://"+name+"?"+q.Encode())
		}},
	}
}

// S3 opens a fresh bucket on MinIO (or the service the environment names).
func S3(t testing.TB) *storage.Storage {
	e := emulator.S3(t)
	c := sdk.New(sdk.Options{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
	})
	bucket := emulator.UniqueName("gost-sf")
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(context.Background(), &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		// A MinIO that just started can refuse for a few seconds.
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
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
