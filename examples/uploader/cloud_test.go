package main

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

	"github.com/go-storages/storage/internal/emulator"
)

// The cloud backends: only the environment differs from the filesystem
// case. Public URLs point at the service's own /media/ route (base_url), as
// a CDN in front of the bucket would be; the bytes come from the emulator.
func cloudBackends() []backend {
	return []backend{
		{name: "s3-minio", env: func(t *testing.T, self string) []string {
			e := emulator.S3(t)
			bucket := s3Bucket(t, e)
			q := url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "access_key_id": {e.AccessKey},
				"secret_access_key": {e.SecretKey}, "use_path_style": {"true"}, "base_url": {self + "/media/"}}
			return []string{"STORAGE_URL=s3://" + bucket + "?" + q.Encode()}
		}},
		{name: "gcs-fake-gcs-server", env: func(t *testing.T, self string) []string {
			e := emulator.GCS(t)
			bucket := gcsBucket(t, e)
			q := url.Values{"endpoint": {"http://" + e.Host}, "emulator": {"true"}, "base_url": {self + "/media/"}}
			return []string{"STORAGE_URL=gs://" + bucket + "?" + q.Encode()}
		}},
		{name: "azure-azurite", env: func(t *testing.T, self string) []string {
			e := emulator.Azure(t)
			container := azureContainer(t, e)
			q := url.Values{"connection_string": {e.ConnectionString}, "base_url": {self + "/media/"}}
			return []string{"STORAGE_URL=azblob://" + container + "?" + q.Encode()}
		}},
	}
}

func TestUploaderCloud(t *testing.T) {
	for _, b := range cloudBackends() {
		t.Run(b.name, func(t *testing.T) { exercise(t, b) })
	}
}

func s3Bucket(t *testing.T, e emulator.S3Env) string {
	c := sdk.New(sdk.Options{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
	})
	bucket := emulator.UniqueName("gost-upl")
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(ctx, &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		// A MinIO that just started can refuse for a few seconds.
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return bucket
}

func gcsBucket(t *testing.T, e emulator.GCSEnv) string {
	bucket := emulator.UniqueName("gost-upl")
	body, _ := json.Marshal(map[string]string{"name": bucket})
	resp, err := http.Post("http://"+e.Host+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %s", resp.Status)
	}
	return bucket
}

func azureContainer(t *testing.T, e emulator.AzureEnv) string {
	svc, err := service.NewClientFromConnectionString(e.ConnectionString, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := emulator.UniqueName("gost-upl")
	if _, err := svc.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatal(err)
	}
	return name
}
