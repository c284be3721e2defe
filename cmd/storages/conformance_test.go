package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/go-storages/storage/internal/emulator"
)

// The suite outside go test, on a local directory: every group that needs
// no HTTP server passes, the table counts them, and nothing is left behind.
func TestConformanceCommand(t *testing.T) {
	dir := t.TempDir()
	r := execRunner(t, nil, "", "conformance", "--skip", "url,signed,names,encoding", "--large-size", "8388608",
		"file://"+dir+"?base_url=http://127.0.0.1:1/").expect(t, 0, "conformance")
	if !regexp.MustCompile(`(?m)^\s+group\s+passed\s+failed\s+skipped$`).MatchString(r.out) ||
		!regexp.MustCompile(`(?m)^\s+list\s+[1-9][0-9]*\s+0\s+0$`).MatchString(r.out) ||
		!regexp.MustCompile(`(?m)^\s+total\s+[1-9][0-9]*\s+0\s+[0-9]+$`).MatchString(r.out) {
		t.Fatalf("table:\n%s", r.out)
	}
	if strings.Contains(r.out, "\n          url ") {
		t.Fatalf("the skipped group ran:\n%s", r.out)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Fatalf("left behind: %q", left)
	}
}

// Failures are counted, named with the case's message, and fail the run.
func TestConformanceCommandReportsFailures(t *testing.T) {
	dir := t.TempDir()
	r := execRunner(t, nil, "", "--json", "conformance", "--groups", "url", dir).expect(t, 1, "conformance without base_url")
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["failed"].(float64) < 1 || sum["op"] != "summary" {
		t.Fatalf("summary %v", sum)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first["group"] != "url" || first["status"] != "failed" || !strings.Contains(strings.Join(toStrings(first["messages"]), " "), "no public base URL") {
		t.Fatalf("first case %v", first)
	}
	if !strings.Contains(r.err, "cases failed against") {
		t.Fatalf("stderr %q", r.err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Fatalf("left behind: %q", left)
	}
	execRunner(t, nil, "", "conformance", "--groups", "nope", dir).expect(t, 2, "unknown group")
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// Against MinIO with a public bucket: URL and signed-URL cases fetch over
// HTTP, as they would against a user's real bucket.
func TestConformanceCommandS3(t *testing.T) {
	e := emulator.S3(t)
	bucket := emulator.NewS3Bucket(t, e, "gost-cli")
	c := sdk.New(sdk.Options{Region: e.Region, BaseEndpoint: aws.String(e.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, "")})
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + bucket + `/*"]}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &sdk.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	u := "s3://" + bucket + "/scratch/?endpoint=" + e.Endpoint + "&region=" + e.Region + "&use_path_style=true&base_url=" + e.Endpoint + "/" + bucket + "/"
	env := []string{"AWS_ACCESS_KEY_ID=" + e.AccessKey, "AWS_SECRET_ACCESS_KEY=" + e.SecretKey}
	r := execRunner(t, env, "", "conformance", "--groups", "save,open,list,url,signed,errors", u).expect(t, 0, "conformance on MinIO")
	for _, g := range []string{"save", "url", "signed"} {
		if !regexp.MustCompile(`(?m)^\s+` + g + `\s+[1-9][0-9]*\s+0\s+[0-9]+$`).MatchString(r.out) {
			t.Fatalf("group %s did not pass:\n%s", g, r.out)
		}
	}
	out, err := c.ListObjectsV2(context.Background(), &sdk.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) > 0 {
		t.Fatalf("left behind: %d objects, first %q", len(out.Contents), aws.ToString(out.Contents[0].Key))
	}
}

// NAME:PATH names a storage of the configuration, as in every other
// command: the run works under the configured location, then PATH, and a
// read-only storage is refused before anything runs.
func TestConformanceCommandConfigName(t *testing.T) {
	dir := t.TempDir()
	env := []string{"STORAGES_SCRATCH_URL=file://" + dir + "?location=base", "STORAGES_STATIC_URL=file://" + dir}
	cfg := filepath.Join(t.TempDir(), "storages.toml")
	writeFile(t, cfg, "[storages.static]\nurl = \"file://"+dir+"\"\nread_only = true\n")
	r := execRunner(t, env, "", "conformance", "--groups", "save,list", "scratch:sub/").expect(t, 0, "conformance scratch:sub/")
	if !regexp.MustCompile(`against scratch:sub/, under base/sub/conformance-[a-z0-9]{10}/`).MatchString(r.err) {
		t.Fatalf("stderr %q: the run is not under the configured location and PATH", r.err)
	}
	if !regexp.MustCompile(`(?m)^\s+save\s+[1-9][0-9]*\s+0\s+[0-9]+$`).MatchString(r.out) {
		t.Fatalf("table:\n%s", r.out)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Fatalf("left behind: %q", left)
	}
	if r := execRunner(t, []string{"STORAGES_CONFIG=" + cfg}, "", "conformance", "static:").expect(t, 2, "read-only"); !strings.Contains(r.err, "read-only") {
		t.Fatalf("stderr %q", r.err)
	}
	execRunner(t, env, "", "conformance", "nosuch:x/").expect(t, 2, "unknown name")
}

// gocloud+file URLs name a directory, absolute or relative (gocloud.dev's
// gocloud+file://./dir), in conformance as in the other commands.
func TestGocloudFilePaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bucket", "sub", "a.txt"), "alpha")
	run := func(code int, args ...string) result {
		t.Helper()
		return execIn(t, dir, nil, "", args...).expect(t, code, strings.Join(args, " "))
	}
	abs := "gocloud+file://" + filepath.ToSlash(filepath.Join(dir, "bucket"))
	for _, base := range []string{abs + "/", "gocloud+file://./bucket/"} {
		if got := run(0, "ls", "-R", base).out; got != "sub/a.txt\n" {
			t.Fatalf("ls -R %s = %q", base, got)
		}
		if got := run(0, "cat", base+"sub/a.txt").out; got != "alpha" {
			t.Fatalf("cat = %q", got)
		}
	}
	run(0, "cp", "gocloud+file://./bucket/sub/a.txt", abs+"/new/dir/b.txt")
	if got := run(0, "cat", abs+"/new/dir/b.txt").out; got != "alpha" {
		t.Fatalf("copied = %q", got)
	}
	if e := run(1, "cat", "gocloud+file://./bucket/nope.txt").err; !strings.Contains(e, abs+"/nope.txt: no such file or directory") {
		t.Fatalf("stderr %q", e)
	}
	run(2, "ls", "gocloud+file://host/x")

	for _, u := range []string{abs, "gocloud+file://./bucket"} {
		r := run(0, "conformance", "--groups", "save,open,list", u)
		if !strings.Contains(r.err, "against "+abs+", under conformance-") ||
			!regexp.MustCompile(`(?m)^\s+open\s+[1-9][0-9]*\s+0\s+[0-9]+$`).MatchString(r.out) {
			t.Fatalf("conformance %s:\n%s%s", u, r.err, r.out)
		}
	}
	var objs []string
	for _, p := range leftovers(t, filepath.Join(dir, "bucket")) {
		if !strings.HasSuffix(p, ".attrs") {
			objs = append(objs, p)
		}
	}
	if strings.Join(objs, " ") != filepath.Join(dir, "bucket", "new", "dir", "b.txt")+" "+filepath.Join(dir, "bucket", "sub", "a.txt") {
		t.Fatalf("left behind: %q", objs)
	}
}
