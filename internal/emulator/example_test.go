package emulator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-storages/storage/internal/emulator"
)

func ExampleUniqueName() {
	name := emulator.UniqueName("Gost S3")
	fmt.Println(strings.HasPrefix(name, "gost-s3-"), len(name) <= 40)
	// Output: true true
}

// A cloud driver's tests start (or find) the emulator and give each test its
// own bucket. (TestExampleS3 runs s3Test.)
func ExampleS3() {
	// In the driver's test file:
	//
	//	func TestMain(m *testing.M) { emulator.Main(m) }
	//
	//	func TestSomething(t *testing.T) { ... }
	_ = s3Test
}

// s3Test is ExampleS3's test.
func s3Test(t *testing.T) {
	env := emulator.S3(t)                             // MinIO on 127.0.0.1, or AWS_ENDPOINT_URL_S3
	bucket := emulator.NewS3Bucket(t, env, "gost-ex") // a new, empty bucket
	t.Logf("bucket %s on %s", bucket, env.Endpoint)
}

func TestExampleS3(t *testing.T) { s3Test(t) }
