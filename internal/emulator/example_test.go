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
// own bucket.
func ExampleS3() {
	// In the driver's test file:
	//
	//	func TestMain(m *testing.M) { emulator.Main(m) }
	test := func(t *testing.T) {
		env := emulator.S3(t) // MinIO on 127.0.0.1, or AWS_ENDPOINT_URL_S3
		bucket := emulator.UniqueName("gost")
		_, _ = env, bucket // create the bucket with env.Endpoint and the keys
	}
	_ = test
}
