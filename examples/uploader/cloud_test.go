package main

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage/internal/emulator"
)

// The cloud backends: only the environment differs from the filesystem
// case. Public URLs point at the service's own /media/ route (base_url), as
// a CDN in front of the bucket would be; the bytes come from the emulator.
func cloudBackends() []backend {
	return []backend{
		{name: "s3-minio", env: func(t *testing.T, self string) []string {
			e := emulator.S3(t)
			bucket := emulator.NewS3Bucket(t, e, "gost-upl")
			q := url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "access_key_id": {e.AccessKey},
				"secret_access_key": {e.SecretKey}, "use_path_style": {"true"}, "base_url": {self + "/media/"}}
			return []string{"STORAGE_URL=s3://" + bucket + "?" + q.Encode()}
		}},
		{name: "gcs-fake-gcs-server", env: func(t *testing.T, self string) []string {
			e := emulator.GCS(t)
			bucket := emulator.NewGCSBucket(t, e, "gost-upl")
			q := url.Values{"endpoint": {"http://" + e.Host}, "emulator": {"true"}, "base_url": {self + "/media/"}}
			return []string{"STORAGE_URL=gs://" + bucket + "?" + q.Encode()}
		}},
		{name: "azure-azurite", env: func(t *testing.T, self string) []string {
			e := emulator.Azure(t)
			container := emulator.NewAzureContainer(t, e, "gost-upl")
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
