package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	azservice "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
)

// The drivers do not create buckets (that is an account's business, not a
// file operation), so tests that open a storage by URL create one first with
// these helpers. Each returns a new, empty bucket or container named
// UniqueName(prefix) and fails t when it cannot.

// NewS3Bucket creates a bucket on the S3 service e names. A MinIO that has
// just started can refuse with XMinioServerNotInitialized for a few seconds;
// that is retried for up to 30 seconds.
func NewS3Bucket(t testing.TB, e S3Env, prefix string) string {
	t.Helper()
	c := sdk.New(sdk.Options{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
	})
	bucket := UniqueName(prefix)
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(context.Background(), &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			return bucket
		}
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("emulator: CreateBucket %s: %v", bucket, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// NewGCSBucket creates a bucket on the fake-gcs-server e names, through its
// JSON API.
func NewGCSBucket(t testing.TB, e GCSEnv, prefix string) string {
	t.Helper()
	bucket := UniqueName(prefix)
	body, _ := json.Marshal(map[string]string{"name": bucket})
	resp, err := http.Post("http://"+e.Host+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("emulator: create GCS bucket %s: %v", bucket, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("emulator: create GCS bucket %s: %s", bucket, resp.Status)
	}
	return bucket
}

// NewAzureContainer creates a container on the Azure service e names.
func NewAzureContainer(t testing.TB, e AzureEnv, prefix string) string {
	t.Helper()
	svc, err := azservice.NewClientFromConnectionString(e.ConnectionString, nil)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	name := UniqueName(prefix)
	if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatalf("emulator: CreateContainer %s: %v", name, err)
	}
	return name
}
