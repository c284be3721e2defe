package s3_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/urltest"
	"github.com/go-storages/storage/s3"
)

func TestOpenS3URL(t *testing.T) {
	ctx := context.Background()
	_, e := admin(t)
	bucket := newBucket(t, false)
	ep, _ := url.Parse(e.Endpoint)
	q := url.Values{
		"region":            {e.Region},
		"endpoint":          {ep.Host}, // a bare host, as gocloud.dev takes it
		"disable_https":     {"true"},
		"s3ForcePathStyle":  {"true"},
		"access_key_id":     {e.AccessKey},
		"secret_access_key": {e.SecretKey},
		"awssdk":            {"v2"},
	}
	urltest.Open(t, "s3://"+bucket, q, "s3://"+bucket+"?"+q.Encode(), e.SecretKey, e.AccessKey)

	// Without base_url the URL is an error, unless public_bucket=true
	// declares the bucket readable: then the endpoint's URL.
	private, err := storage.Open(ctx, "s3://"+bucket+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer private.Close()
	if _, err := private.URL("media/a.txt"); !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("URL without base_url or public_bucket: %v", err)
	}
	q.Set("public_bucket", "true")
	pub, err := storage.Open(ctx, "s3://"+bucket+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if u, err := pub.URL("media/a.txt"); err != nil || u != "http://"+ep.Host+"/"+bucket+"/media/a.txt" {
		t.Fatalf("URL with public_bucket: %q, %v", u, err)
	}
}

func TestS3URLErrors(t *testing.T) {
	urltest.Params(t, "s3://b", s3.Config{})
	urltest.Together(t, "s3://b", "access_key_id", "secret_access_key")
	urltest.Together(t, "s3://b", "cloudfront_key_id", "cloudfront_private_key_path")
	// gocloud.dev's parameters without an equivalent (see Scheme), and
	// custom_domain, replaced by base_url.
	urltest.Unknown(t, "s3://b", "profile", "anonymous", "fips", "dualstack", "accelerate", "hostname_immutable", "custom_domain")
	urltest.Errors(t, map[string]string{
		"s3://b?endpoint=ftp://x":    `"endpoint"`,
		"s3://b?disable_https=maybe": `"disable_https"`,
		"s3://b?awssdk=v1":           `"awssdk"`,
	})
	// Key files are read when the storage opens.
	urltest.Accepts(t, "s3://b?cloudfront_key_id=K&cloudfront_private_key_path=/not/read/at/parse")
}
