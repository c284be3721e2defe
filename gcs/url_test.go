package gcs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
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
	ctx := context.Background()
	e, bucket := schemeTestBucket(t)
	q := url.Values{
		"endpoint":             {"http://" + e.Host},
		"emulator":             {"true"},
		"chunk_size":           {"262144"},
		"budget":               {"16777216"},
		"download_concurrency": {"2"},
		"conflict":             {"fail"},
		"base_url":             {"https://cdn.example.com/"},
	}
	st, err := storage.Open(ctx, "gs://"+bucket+"/media?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("again"), storage.SaveOptions{}); err == nil {
		t.Fatal("conflict=fail not applied")
	}
	if u, _ := st.URL("a.txt"); u != "https://cdn.example.com/media/a.txt" {
		t.Fatalf("URL %q", u)
	}
	whole, err := storage.Open(ctx, "gs://"+bucket+"?endpoint=http://"+e.Host+"&emulator=true")
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	f, err := whole.Open(ctx, "media/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
}

func TestGSURLErrors(t *testing.T) {
	cases := map[string]string{
		"gs:///prefix":            "want gs://bucket",
		"gs://b?endpoint=nohost":  `"endpoint"`,
		"gs://b?emulator=perhaps": `"emulator"`,
		"gs://b?chunk_size=-5":    `"chunk_size"`,
		"gs://b?max_attempts=-1":  `"max_attempts"`,
		"gs://b?anonymous=true":   `"anonymous": unknown`,
		"gs://b/p?prefix=q":       `"location"`,
	}
	for raw, want := range cases {
		_, err := storage.ParseURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %s", raw, err, want)
		}
	}
}

// max_attempts is the same parameter on every cloud driver (Config.MaxAttempts).
func TestMaxAttemptsParam(t *testing.T) {
	if _, err := storage.ParseURL("gs://b?max_attempts=2"); err != nil {
		t.Fatal(err)
	}
}
