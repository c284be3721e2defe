package gocloud_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob/s3blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/conformance"
	"github.com/go-storages/storage/gocloud"
	"github.com/go-storages/storage/internal/emulator"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// s3Client is an SDK client for the test S3 service with the given secret.
func s3Client(e emulator.S3Env, secret string) *sdk.Client {
	return sdk.New(sdk.Options{
		Region: e.Region, BaseEndpoint: aws.String(e.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKey, secret, ""),
	})
}

// s3blobBucket creates a uniquely named bucket on the test S3 service (MinIO
// unless AWS_ENDPOINT_URL_S3 names one). It is left behind empty when the
// test ends.
func s3blobBucket(t *testing.T) (emulator.S3Env, string) {
	e := emulator.S3(t)
	c := s3Client(e, e.SecretKey)
	bucket := emulator.NewS3Bucket(t, e, "gost-gocloud")
	t.Cleanup(func() { c.DeleteBucket(context.Background(), &sdk.DeleteBucketInput{Bucket: &bucket}) })
	return e, bucket
}

// s3blobStorage is the bridge over s3blob on bucket, signing requests with
// secret.
func s3blobStorage(t *testing.T, e emulator.S3Env, bucket, secret string) *storage.Storage {
	b, err := s3blob.OpenBucket(t.Context(), s3Client(e, secret), bucket, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := gocloud.New(t.Context(), gocloud.Config{Bucket: b, Scheme: "s3"}, storage.WithLocation("case"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBucketErrorsS3blob runs the suite's bucket group over s3blob: the
// bridge tells a missing bucket from a missing object (gocloud.dev reports
// both as NotFound) and a refused credential from other failures. The whole
// suite over s3blob is TestConformanceS3blob (build tag s3blobconformance).
func TestBucketErrorsS3blob(t *testing.T) {
	e, bucket := s3blobBucket(t)
	conformance.Run(t, conformance.Harness{
		Groups: []string{"bucket"},
		New:    func(t *testing.T) *storage.Storage { return s3blobStorage(t, e, bucket, e.SecretKey) },
		MissingBucket: func(t *testing.T) *storage.Storage {
			return s3blobStorage(t, e, emulator.UniqueName("gost-missing"), e.SecretKey)
		},
		WrongCredential: func(t *testing.T) *storage.Storage { return s3blobStorage(t, e, bucket, "wrong-"+e.SecretKey) },
	})
}
