package gcs_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/urltest"
)

func schemeTestBucket(t *testing.T) (emulator.GCSEnv, string) {
	t.Helper()
	e := emulator.GCS(t)
	bucket := emulator.UniqueName("gost-gsurl")
	body, _ := json.Marshal(map[string]string{"name": bucket})
	resp, err := http.Post("http://"+e.Host+"/storage/v1/b?project=test", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %s", resp.Status)
	}
	return e, bucket
}

func TestOpenGSURL(t *testing.T) {
	e, bucket := schemeTestBucket(t)
	urltest.Open(t, "gs://"+bucket, url.Values{
		"endpoint":             {"http://" + e.Host},
		"emulator":             {"true"},
		"chunk_size":           {"262144"},
		"budget":               {"16777216"},
		"download_concurrency": {"2"},
	}, "gs://"+bucket+"?endpoint=http://"+e.Host+"&emulator=true")
}

func TestGSURLErrors(t *testing.T) {
	urltest.Errors(t, map[string]string{
		"gs:///prefix":            "want gs://bucket",
		"gs://b?endpoint=nohost":  `"endpoint"`,
		"gs://b?emulator=perhaps": `"emulator"`,
		"gs://b?chunk_size=-5":    `"chunk_size"`,
		"gs://b?max_attempts=-1":  `"max_attempts"`,
		"gs://b?anonymous=true":   `"anonymous": unknown`,
		"gs://b/p?prefix=q":       `"location"`,
	})
	// max_attempts is the same parameter on every cloud driver (Config.MaxAttempts).
	urltest.Accepts(t, "gs://b?max_attempts=2", "gs://b?access_id=a@b.iam.gserviceaccount.com&private_key_path=/not/read/at/parse")
	urltest.Documented(t, gcs.Config{})
}
