package s3_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/s3"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// AWS_ENDPOINT_URL_S3 is honoured when Config.Endpoint is empty.
func TestEndpointFromEnvironment(t *testing.T) {
	bucket := newBucket(t, false)
	cfg := config(t, bucket)
	_, env := admin(t) // before the variable is set: the harness reads it too
	t.Setenv("AWS_ENDPOINT_URL_S3", cfg.Endpoint)
	cfg.Endpoint = ""
	cfg.PublicBucket = true
	st := newStorage(t, cfg)
	if _, err := st.Save(t.Context(), "env.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	u, _ := st.URL("env.txt")
	if u != env.Endpoint+"/"+bucket+"/env.txt" {
		t.Fatalf("URL %s is not on the endpoint from the environment", u)
	}
}

// AWS_CA_BUNDLE (set on these machines) does not break a custom HTTP client
// whose transport is not an *http.Transport, nor the default client.
func TestCABundleWithCustomClient(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	st := newStorage(t, cfg)
	if _, err := st.Save(t.Context(), "ca.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if rec.count("PUT", nil) != 1 {
		t.Fatalf("the custom client was not used")
	}
	cfg.HTTPClient = nil
	if _, err := newStorage(t, cfg).Stat(t.Context(), "ca.txt"); err != nil {
		t.Fatal(err)
	}
}

// Wrong credentials: ErrPermission, and neither key appears in the error.
func TestCredentialsNeverInErrors(t *testing.T) {
	bucket := newBucket(t, false)
	cfg := config(t, bucket)
	cfg.AccessKeyID = "AKIDSECRETLOOKING123"
	cfg.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	st := newStorage(t, cfg)
	ctx := t.Context()
	var errs []error
	_, err := st.Save(ctx, "x.txt", strings.NewReader("x"), storage.SaveOptions{})
	errs = append(errs, err)
	_, err = st.Stat(ctx, "x.txt")
	errs = append(errs, err)
	_, err = st.Open(ctx, "x.txt")
	errs = append(errs, err)
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			errs = append(errs, err)
		} else {
			t.Fatalf("listed %v with wrong credentials", e)
		}
	}
	good := config(t, bucket)
	for i, err := range errs {
		if !errors.Is(err, storage.ErrPermission) {
			t.Errorf("error %d = %v, want ErrPermission", i, err)
		}
		for _, secret := range []string{cfg.AccessKeyID, cfg.SecretAccessKey, good.SecretAccessKey} {
			if strings.Contains(err.Error(), secret) || strings.Contains(strings.ReplaceAll(err.Error(), "%2F", "/"), secret) {
				t.Errorf("error %d shows a credential: %v", i, err)
			}
		}
	}
}

// MinIO accepts the public-read canned ACL and ignores it; the driver sends
// no ACL by default and public-read when asked. A bucket that refuses ACLs
// (AWS's AccessControlListNotSupported) gets a clear ErrUnsupported: checked
// on the mapping, since MinIO never refuses.
func TestPublicACL(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	st := newStorage(t, cfg)
	ctx := t.Context()
	if _, err := st.Save(ctx, "private.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "public.txt", strings.NewReader("x"), storage.SaveOptions{Public: true}); err != nil {
		t.Fatalf("Save(Public) on MinIO: %v", err)
	}
	acl := func(key string) string {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, q := range rec.reqs {
			if q.Method == "PUT" && strings.HasSuffix(q.URL.Path, "/"+key) {
				return q.Header.Get("X-Amz-Acl")
			}
		}
		return "(no request)"
	}
	if a := acl("private.txt"); a != "" {
		t.Fatalf("default save sent ACL %q", a)
	}
	if a := acl("public.txt"); a != "public-read" {
		t.Fatalf("public save sent ACL %q", a)
	}
	d, _ := driverof.Get(st).(*s3.Driver)
	u := d.BucketURL() + "public.txt" // the bucket is not declared public: no URL from st
	if code, _ := httpDo(t, "GET", u, nil, nil); code != http.StatusForbidden {
		t.Logf("MinIO served the public-read object anonymously (%d)", code)
	} else {
		t.Logf("MinIO ignores canned ACLs: public-read object still needs a bucket policy (403)")
	}
	err := s3.ACLError(d, &fakeAPIError{code: "AccessControlListNotSupported", msg: "The bucket does not allow ACLs"})
	if !errors.Is(err, storage.ErrUnsupported) || !strings.Contains(err.Error(), "refuses ACLs") || !strings.Contains(err.Error(), bucket) {
		t.Fatalf("ACL refusal error: %v", err)
	}
	if k := d.ErrorKind(err); k != storage.ErrUnsupported {
		t.Fatalf("ErrorKind = %v", k)
	}
}

type fakeAPIError struct{ code, msg string }

func (e *fakeAPIError) Error() string                 { return "api error " + e.code + ": " + e.msg }
func (e *fakeAPIError) ErrorCode() string             { return e.code }
func (e *fakeAPIError) ErrorMessage() string          { return e.msg }
func (e *fakeAPIError) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// Driver options: the wrong type is ErrUnsupported; storage class and
// encryption headers are sent.
func TestDriverOptions(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	st := newStorage(t, cfg)
	ctx := t.Context()
	_, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{DriverOptions: "nope"})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("string driver options: %v", err)
	}
	_, err = st.Save(ctx, "rr.txt", strings.NewReader("x"), storage.SaveOptions{
		DriverOptions: &s3.SaveOptions{StorageClass: types.StorageClassReducedRedundancy, Tagging: "a=b"}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := admin(t)
	head, err := c.HeadObject(ctx, &sdk.HeadObjectInput{Bucket: &bucket, Key: aws.String("rr.txt")})
	if err != nil || head.StorageClass != types.StorageClassReducedRedundancy {
		t.Fatalf("storage class %q, %v", head.StorageClass, err)
	}
	rec.reset()
	// MinIO without a KMS refuses SSE; the headers are what matters here.
	st.Save(ctx, "kms.txt", strings.NewReader("x"), storage.SaveOptions{
		DriverOptions: &s3.SaveOptions{ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyID: "my-key"}})
	if rec.count("PUT", func(q *http.Request) bool {
		return q.Header.Get("X-Amz-Server-Side-Encryption") == "aws:kms" && q.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") == "my-key"
	}) == 0 {
		t.Fatal("SSE-KMS headers not sent")
	}
	if _, err := s3.NewDriver(context.Background(), s3.Config{}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("no bucket: %v", err)
	}
	if _, err := s3.NewDriver(context.Background(), s3.Config{Bucket: "b", PartSize: 1 << 20}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("small parts: %v", err)
	}
}

// Metadata values outside ASCII survive the trip through HTTP headers.
func TestMetadataEncoding(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	ctx := t.Context()
	meta := map[string]string{"city": "Zürich 東京 🎉", "ascii": "plain", "trick": "=?UTF-8?B?eA==?=", "space": " padded "}
	if _, err := st.Save(ctx, "m.txt", strings.NewReader("x"), storage.SaveOptions{Metadata: meta}); err != nil {
		t.Fatal(err)
	}
	a, err := st.Stat(ctx, "m.txt")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range meta {
		if a.Metadata[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, a.Metadata[k], v)
		}
	}
}
