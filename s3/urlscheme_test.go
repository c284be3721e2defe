package s3_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
)

func schemeTestBucket(t *testing.T) (emulator.S3Env, string) {
	t.Helper()
	e := emulator.S3(t)
	c := sdk.New(sdk.Options{
		Region: e.Region, BaseEndpoint: aws.String(e.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
	})
	bucket := emulator.UniqueName("gost-s3url")
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(context.Background(), &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			return e, bucket
		}
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestOpenS3URL(t *testing.T) {
	ctx := context.Background()
	e, bucket := schemeTestBucket(t)
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
		"conflict":          {"fail"},
		"base_url":          {"https://cdn.example.com/"},
	}
	raw := "s3://" + bucket + "/media?" + q.Encode()
	p, err := storage.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.String(); strings.Contains(s, e.SecretKey) || strings.Contains(s, e.AccessKey) {
		t.Fatalf("String() shows credentials: %s", s)
	}
	st, err := p.Open(ctx)
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
	// The path is the location: the object is media/a.txt in the bucket.
	raw2 := "s3://" + bucket + "?" + q.Encode()
	whole, err := storage.Open(ctx, raw2)
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
	// Without base_url the URL is an error, unless public_bucket=true
	// declares the bucket readable: then the endpoint's URL.
	q.Del("base_url")
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
	cases := map[string]string{
		"s3:///prefix":                                   "want s3://bucket",
		"s3://b?endpoint=ftp://x":                        `"endpoint"`,
		"s3://b?use_path_style=maybe":                    `"use_path_style"`,
		"s3://b?part_size=-1":                            `"part_size"`,
		"s3://b?max_attempts=-1":                         `"max_attempts"`,
		"s3://b?sse=DES":                                 `"sse"`,
		"s3://b?sse=AES256&sseType=AES256":               `"sseType"`,
		"s3://b?awssdk=v1":                               `"awssdk"`,
		"s3://b?profile=dev":                             `"profile": unknown`,
		"s3://b?secret_access_key=" + secret:             `"access_key_id"`,
		"s3://b?cloudfront_key_id=K":                     `"cloudfront_key_id"`,
		"s3://b?custom_domain=https://cdn.example.com/":  `"custom_domain": unknown`,
		"s3://b/p?location=q":                            `"location"`,
		"s3://b?secret_access_key=" + secret + "&typo=1": `"typo"`,
	}
	for raw, want := range cases {
		_, err := storage.ParseURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %s", raw, err, want)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error shows the secret: %v", raw, err)
		}
	}
}

// max_attempts is the same parameter on every cloud driver (Config.MaxAttempts).
func TestMaxAttemptsParam(t *testing.T) {
	if _, err := storage.ParseURL("s3://b?max_attempts=2"); err != nil {
		t.Fatal(err)
	}
}
