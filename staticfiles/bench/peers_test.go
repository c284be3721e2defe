//go:build staticbench

package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/emulator"
)

// The tools a user would pick instead of staticfiles.Collect, run by
// TestUploadMinIO against the same MinIO in the same run when STATIC_PEERS
// is 1 (run.sh installs them from Debian: python3-django,
// python3-django-storages, python3-boto3, awscli). Their CPU time is the
// child process's (user + system); MinIO's is not counted, as for Collect.
const (
	peerPython = "/usr/bin/python3"
	peerAWS    = "/usr/bin/aws" // Debian's awscli, not one on a pyenv or pip PATH
)

// peerEnv is the environment of a peer: the S3 credentials of e, and no
// AWS_CA_BUNDLE (set on this machine for real AWS; MinIO on loopback is
// plain HTTP and botocore would still load the bundle).
func peerEnv(e emulator.S3Env, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "AWS_ACCESS_KEY_ID="+e.AccessKey, "AWS_SECRET_ACCESS_KEY="+e.SecretKey,
		"AWS_DEFAULT_REGION="+e.Region, "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	return append(env, extra...)
}

// runPeer runs cmd and returns its row: wall time and the child's CPU time.
func runPeer(t *testing.T, what string, cmd *exec.Cmd) row {
	t.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}
	st := cmd.ProcessState
	r := row{what: what, d: d, cpu: st.UserTime() + st.SystemTime()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		r.detail = fmt.Sprintf("child process, max RSS %d MiB", ru.Maxrss>>10)
	}
	return r
}

// countObjects lists bucket on e and returns how many objects it holds.
func countObjects(t *testing.T, e emulator.S3Env, bucket string) int {
	q := url.Values{"endpoint": {e.Endpoint}, "region": {e.Region}, "access_key_id": {e.AccessKey},
		"secret_access_key": {e.SecretKey}, "use_path_style": {"true"}}
	st, err := storage.Open(context.Background(), "s3://"+bucket+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	for _, err := range st.List(context.Background(), "", storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// peers runs Django 3.2 + django-storages' S3ManifestStaticStorage
// collectstatic (first run and rerun) and `aws s3 sync` of the plain files
// (first run and rerun), each into a fresh bucket.
func peers(t *testing.T, tree string, floor time.Duration) []row {
	for _, p := range []string{peerPython, peerAWS} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("STATIC_PEERS=1 but %s is missing: apt-get install -y python3-django python3-django-storages python3-boto3 awscli", p)
		}
	}
	e := emulator.S3(t)
	var rows []row

	bucket := emulator.NewS3Bucket(t, e, "django")
	dir := t.TempDir()
	settings := fmt.Sprintf(`SECRET_KEY = "bench"
INSTALLED_APPS = ["django.contrib.staticfiles", "storages"]
STATIC_URL = "/static/"
STATICFILES_DIRS = [%q]
STATICFILES_STORAGE = "storages.backends.s3boto3.S3ManifestStaticStorage"
AWS_STORAGE_BUCKET_NAME = %q
AWS_S3_ENDPOINT_URL = %q
AWS_S3_REGION_NAME = %q
AWS_S3_ADDRESSING_STYLE = "path"
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = False
`, tree, bucket, e.Endpoint, e.Region)
	if err := os.WriteFile(filepath.Join(dir, "benchsettings.py"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	django := func() *exec.Cmd {
		c := exec.Command(peerPython, "-m", "django", "collectstatic", "--noinput", "-v", "0")
		c.Env = peerEnv(e, "PYTHONPATH="+dir, "DJANGO_SETTINGS_MODULE=benchsettings")
		return c
	}
	r := runPeer(t, "Django 3.2 + django-storages S3ManifestStaticStorage, first run", django())
	r.what += fmt.Sprintf(" (%.2fx the floor)", r.d.Seconds()/floor.Seconds())
	r.detail += fmt.Sprintf("; %d objects stored", countObjects(t, e, bucket))
	rows = append(rows, r)
	rows = append(rows, runPeer(t, "Django 3.2 + django-storages S3ManifestStaticStorage, rerun of the unchanged tree", django()))

	bucket = emulator.NewS3Bucket(t, e, "awssync")
	sync := func() *exec.Cmd {
		c := exec.Command(peerAWS, "--endpoint-url", e.Endpoint, "s3", "sync", "--only-show-errors", tree, "s3://"+bucket+"/")
		c.Env = peerEnv(e)
		return c
	}
	r = runPeer(t, "aws s3 sync of the plain files (half the floor's objects: no hashed copies, no manifest), first run", sync())
	r.what += fmt.Sprintf(" (%.2fx the floor)", r.d.Seconds()/floor.Seconds())
	r.detail += fmt.Sprintf("; %d objects stored", countObjects(t, e, bucket))
	rows = append(rows, r)
	rows = append(rows, runPeer(t, "aws s3 sync, rerun of the unchanged tree", sync()))
	return rows
}
