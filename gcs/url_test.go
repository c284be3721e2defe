package gcs_test

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/urltest"
)

func TestOpenGSURL(t *testing.T) {
	e := emulator.GCS(t)
	bucket := emulator.NewGCSBucket(t, e, "gost-gsurl")
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
