// Package emulator starts, waits for and stops the storage emulators the
// cloud drivers are tested against: MinIO (S3), fake-gcs-server (GCS) and
// Azurite (Azure Blob), all on 127.0.0.1.
//
// Each emulator is installed on first use into the repository's git-ignored
// .cache folder at a pinned version (see versions.go; a changed pin
// reinstalls), started at most once per test process on a free port with its
// data in a temporary directory, and stopped by [Main] after the tests ran.
// A failure to install or start is a test failure carrying the tail of the
// emulator's log, never a skip.
//
// When the standard environment variables name a service, that service is
// used and nothing is started:
//
//   - S3: AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
//     (AWS_REGION, default us-east-1)
//   - GCS: STORAGE_EMULATOR_HOST
//   - Azure: AZURE_STORAGE_CONNECTION_STRING
//
// A driver's tests use it as:
//
//	func TestMain(m *testing.M) { emulator.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		env := emulator.S3(t)
//		bucket := emulator.UniqueName("gost")
//		...
//	}
package emulator
