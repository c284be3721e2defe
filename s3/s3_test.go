package s3_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/internal/objtest"
	"github.com/go-storages/storage/s3"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// admin returns a raw SDK client for the test service, for setup and for
// looking behind the driver's back.
func admin(t testing.TB) (*sdk.Client, emulator.S3Env) {
	t.Helper()
	env := emulator.S3(t)
	c := sdk.New(sdk.Options{
		Region:       env.Region,
		BaseEndpoint: aws.String(env.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(env.AccessKey, env.SecretKey, ""),
	})
	return c, env
}

// newBucket creates a uniquely named bucket, readable by anyone when
// public (so URL(name) can be fetched), and removes it with everything in it
// when the test ends.
func newBucket(t testing.TB, public bool) string {
	t.Helper()
	c, _ := admin(t)
	bucket := emulator.UniqueName("gost-s3")
	ctx := context.Background()
	// A MinIO that just started can answer 503 XMinioServerNotInitialized
	// for a few seconds after its health checks pass.
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(ctx, &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if public {
		policy, _ := json.Marshal(map[string]any{
			"Version": "2012-10-17",
			"Statement": []map[string]any{{
				"Effect": "Allow", "Principal": map[string]any{"AWS": []string{"*"}},
				"Action": []string{"s3:GetObject"}, "Resource": []string{"arn:aws:s3:::" + bucket + "/*"},
			}},
		})
		if _, err := c.PutBucketPolicy(ctx, &sdk.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String(string(policy))}); err != nil {
			t.Fatalf("PutBucketPolicy: %v", err)
		}
	}
	t.Cleanup(func() { removeBucket(t, c, bucket) })
	return bucket
}

func removeBucket(t testing.TB, c *sdk.Client, bucket string) {
	ctx := context.Background()
	pages := sdk.NewListObjectsV2Paginator(c, &sdk.ListObjectsV2Input{Bucket: &bucket})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Errorf("cleanup: listing %s: %v", bucket, err)
			return
		}
		for _, o := range page.Contents {
			if _, err := c.DeleteObject(ctx, &sdk.DeleteObjectInput{Bucket: &bucket, Key: o.Key}); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	}
	ups, err := c.ListMultipartUploads(ctx, &sdk.ListMultipartUploadsInput{Bucket: &bucket})
	if err == nil {
		for _, u := range ups.Uploads {
			c.AbortMultipartUpload(ctx, &sdk.AbortMultipartUploadInput{Bucket: &bucket, Key: u.Key, UploadId: u.UploadId})
		}
	}
	if _, err := c.DeleteBucket(ctx, &sdk.DeleteBucketInput{Bucket: &bucket}); err != nil {
		t.Errorf("cleanup: DeleteBucket(%s): %v", bucket, err)
	}
}

// config returns a driver Config for bucket on the test service.
func config(t testing.TB, bucket string) s3.Config {
	_, env := admin(t)
	return s3.Config{
		Bucket:          bucket,
		Region:          env.Region,
		Endpoint:        env.Endpoint,
		AccessKeyID:     env.AccessKey,
		SecretAccessKey: env.SecretKey,
	}
}

func newStorage(t testing.TB, cfg s3.Config, opts ...storage.Option) *storage.Storage {
	t.Helper()
	st, err := s3.New(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatalf("s3.New: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func pad4(n int64) string {
	s := "000" + itoa(n)
	return s[len(s)-4:]
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// 200 concurrent exclusive creates of one key: exactly one wins.
func TestConcurrentExclusiveCreate(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	ctx := t.Context()
	var wins, exists atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Go(func() {
			_, err := st.Save(ctx, "race.txt", strings.NewReader("writer "+itoa(int64(i))), storage.SaveOptions{Conflict: storage.Fail})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, storage.ErrExist):
				exists.Add(1)
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected error: %v", err)
	}
	if wins.Load() != 1 || exists.Load() != 199 {
		t.Fatalf("wins=%d exists=%d, want 1 and 199", wins.Load(), exists.Load())
	}
}

// The SDK's own error stays reachable.
func TestErrorsKeepSDKError(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	_, err := st.Stat(t.Context(), "missing.txt")
	if !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat(missing) = %v, want ErrNotExist", err)
	}
	r, err := st.Open(t.Context(), "missing.txt")
	if r != nil || !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Open(missing) = %v", err)
	}
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("Open(missing) error %v does not expose *types.NoSuchKey", err)
	}
	_ = http.StatusOK
}

// MinIO refuses a segment over 255 bytes with XMinioInvalidObjectName,
// which is an invalid name, not an error without a kind. AWS stores such a
// name; then the object must read back.
func TestLongSegmentName(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	name := "dir/" + strings.Repeat("n", 256)
	got, err := st.Save(t.Context(), name, strings.NewReader("x"), storage.SaveOptions{Conflict: storage.Fail})
	if err != nil {
		if !errors.Is(err, storage.ErrInvalidName) {
			t.Fatalf("Save of a 256-byte segment = %v, want ErrInvalidName (or success)", err)
		}
		return
	}
	t.Logf("the service stores a 256-byte segment")
	if _, err := st.Stat(t.Context(), got); err != nil {
		t.Fatal(err)
	}
}

// A HEAD's 404 has no error code: the driver asks HeadBucket once to tell a
// missing key from a missing bucket, and trusts the answer, so a burst of
// Exists calls on missing keys costs one extra request, not one per call.
func TestMissingKeyHeadBucketCost(t *testing.T) {
	bucket := newBucket(t, false)
	cfg, rec := recorded(t, bucket)
	st := newStorage(t, cfg)
	isBucket := func(r *http.Request) bool { return strings.Trim(r.URL.Path, "/") == bucket }
	for i := range 10 {
		ok, err := st.Exists(t.Context(), "missing-"+itoa(int64(i)))
		if ok || err != nil {
			t.Fatalf("Exists(missing) = %v, %v", ok, err)
		}
	}
	if heads, buckets := rec.count("HEAD", nil), rec.count("HEAD", isBucket); heads != 11 || buckets != 1 {
		t.Fatalf("10 Exists of missing keys sent %d HEADs, %d of them HeadBucket; want 11 and 1", heads, buckets)
	}
	// A missing bucket is asked about every time (a bucket created later is
	// seen at once) and is ErrBucketNotExist, keeping the SDK's error.
	cfg.Bucket = emulator.UniqueName("gost-missing")
	missing := newStorage(t, cfg)
	for range 2 {
		ok, err := missing.Exists(t.Context(), "x")
		if ok || !errors.Is(err, storage.ErrBucketNotExist) || errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("Exists on a missing bucket = %v, %v", ok, err)
		}
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotFound {
			t.Fatalf("the SDK's error is not reachable: %v", err)
		}
	}
}

// As hands out the SDK client, and nothing else.
func TestAs(t *testing.T) {
	objtest.As[*sdk.Client](t, newStorage(t, config(t, newBucket(t, false))))
}
