package gcs_test

import (
	"net/url"
	"testing"

	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/urltest"
)

func TestOpenGSURL(t *testing.T) {
	e := env(t)
	q := url.Values{"endpoint": {"http://" + e.host}, "emulator": {"true"}}
	urltest.Open(t, "gs://"+e.bucket, q, "gs://"+e.bucket+"?"+q.Encode())
}

func TestGSURLErrors(t *testing.T) {
	urltest.Params(t, "gs://b", gcs.Config{})
	urltest.Unknown(t, "gs://b", "anonymous")
	urltest.Errors(t, map[string]string{
		"gs://b?endpoint=nohost": `"endpoint"`,
		"gs://b/p?prefix=q":      `"location"`, // gocloud.dev's name for it
	})
	// Key files are read when the storage opens.
	urltest.Accepts(t, "gs://b?access_id=a@b.iam.gserviceaccount.com&private_key_path=/not/read/at/parse")
}
