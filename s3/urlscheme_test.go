package s3_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/urltest"
	"github.com/go-storages/storage/s3"
)

func TestOpenS3URL(t *testing.T) {
	ctx := context.Background()
	e := emulator.S3(t)
	bucket := emulator.NewS3Bucket(t, e, "gost-s3url")
	ep, _ := url.Parse(e.Endpoint)
	q := url.Values{
		"region":            {e.Region},
		"endpoint":          {ep.Host}, // a bare host, as gocloud.dev takes it
		"disable_https":     {"true"},
		"s3ForcePathStyle":  {"true"},
		"access_key_id":     {e.AccessKey},
		"secret_access_key": {e.SecretKey},
		"part_size":         {"5242880"},
		"concurrency":       {"2"},
		"budget":            {"33554432"},
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
	const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
	urltest.Errors(t, map[string]string{
		"s3:///prefix":                                   "want s3://bucket",
		"s3://b?endpoint=ftp://x":                        `"endpoint"`,
		"s3://b?use_path_style=maybe":                    `"use_path_style"`,
		"s3://b?disable_https=maybe":                     `"disable_https"`,
		"s3://b?part_size=-1":                            `"part_size"`,
		"s3://b?max_attempts=-1":                         `"max_attempts"`,
		"s3://b?sse=DES":                                 `"sse"`,
		"s3://b?sse=AES256&sseType=AES256":               `"sseType"`,
		"s3://b?awssdk=v1":                               `"awssdk"`,
		"s3://b?profile=dev":                             `"profile": unknown`,
		"s3://b?secret_access_key=" + secret:             `"access_key_id"`,
		"s3://b?cloudfront_key_id=K":                     `"cloudfront_key_id"`,
		"s3://b?cloudfront_private_key_path=/k.pem":      `"cloudfront_key_id"`,
		"s3://b?custom_domain=https://cdn.example.com/":  `"custom_domain": unknown`,
		"s3://b/p?location=q":                            `"location"`,
		"s3://b?secret_access_key=" + secret + "&typo=1": `"typo"`,
	}, secret)
	// max_attempts is the same parameter on every cloud driver
	// (Config.MaxAttempts); key files are read when the storage opens.
	urltest.Accepts(t, "s3://b?max_attempts=2", "s3://b?cloudfront_key_id=K&cloudfront_private_key_path=/not/read/at/parse")
	urltest.Documented(t, s3.Config{})
}
