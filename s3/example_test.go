package s3_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/s3"
)

// exampleConfig points the examples at the test service (MinIO, or the one
// AWS_ENDPOINT_URL_S3 names) with a fresh bucket. In an application it is
// s3.Config{Bucket: "media", Region: "eu-west-1"}.
func exampleConfig() (s3.Config, func()) {
	t := &exampleTB{}
	bucket := newBucket(t, false)
	return config(t, bucket), t.cleanup
}

func ExampleNew() {
	cfg, done := exampleConfig()
	defer done()
	ctx := context.Background()

	st, err := s3.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	name, err := st.Save(ctx, "notes/hello.txt", strings.NewReader("hello, S3"), storage.SaveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	r, err := st.Open(ctx, name)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	fmt.Println(name, r.Attributes().ContentType, string(b))
	// Output: notes/hello.txt text/plain; charset=utf-8 hello, S3
}

// Exclusive create: the Fail policy sends If-None-Match: *, so of two
// writers racing for a name exactly one wins.
func ExampleNew_conflictPolicy() {
	cfg, done := exampleConfig()
	defer done()
	ctx := context.Background()
	st, err := s3.New(ctx, cfg, storage.WithConflictPolicy(storage.Fail))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	st.Save(ctx, "report.csv", strings.NewReader("a,b"), storage.SaveOptions{})
	_, err = st.Save(ctx, "report.csv", strings.NewReader("c,d"), storage.SaveOptions{})
	fmt.Println(err)
	// Output: storage: save "report.csv": object already exists
}

// Signed URLs are SigV4 presigned URLs; a PUT URL lets a browser upload
// straight to the bucket.
func ExampleDriver_SignedURL() {
	cfg, done := exampleConfig()
	defer done()
	ctx := context.Background()
	st, err := s3.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	u, err := st.SignedURL(ctx, "uploads/photo.jpg", storage.SignOptions{
		Method: "PUT", ContentType: "image/jpeg", Expiry: 10 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(u, "X-Amz-Signature="), strings.Contains(u, "X-Amz-Expires=600"))
	// Output: true true
}

// A large file goes up in parallel parts read straight from the file; a
// stream of unknown size goes through part buffers counted against a
// budget shared by every upload of the process.
func ExampleConfig_budget() {
	cfg, done := exampleConfig()
	defer done()
	ctx := context.Background()
	cfg.Budget = storage.NewBudget(32 << 20) // this driver's uploads hold at most 32 MiB
	st, err := s3.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	f, err := os.CreateTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	io.CopyN(f, &genReader{n: 20 << 20}, 20<<20)
	f.Seek(0, io.SeekStart)

	name, err := st.Save(ctx, "videos/clip.bin", f, storage.SaveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	a, _ := st.Stat(ctx, name)
	fmt.Println(name, a.Size>>20, "MiB;", cfg.Budget.InUse(), "bytes held after the upload")
	// Output: videos/clip.bin 20 MiB; 0 bytes held after the upload
}

type testingTB = testing.TB

// exampleTB gives the test helpers a testing.TB outside a test.
type exampleTB struct {
	testingTB
	cleanups []func()
}

func (e *exampleTB) Helper()                   {}
func (e *exampleTB) Cleanup(f func())          { e.cleanups = append(e.cleanups, f) }
func (e *exampleTB) Fatal(args ...any)         { log.Fatal(args...) }
func (e *exampleTB) Fatalf(f string, a ...any) { log.Fatalf(f, a...) }
func (e *exampleTB) Errorf(f string, a ...any) { log.Printf(f, a...) }
func (e *exampleTB) cleanup() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}
