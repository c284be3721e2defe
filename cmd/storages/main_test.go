package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/internal/emulator"
)

// bin is the storages binary the tests run as a user would.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storages-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "storages")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building storages:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	emulator.Main(m)
}

// result is what one invocation printed and returned.
type result struct {
	out, err string
	code     int
}

// runner runs the command with the environment additions and stdin.
type runner func(t *testing.T, env []string, stdin string, args ...string) result

// execRunner runs the built binary.
func execRunner(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	return execIn(t, "", env, stdin, args...)
}

// execIn runs the built binary in the working directory dir ("": the
// test's).
func execIn(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running storages %q: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// cleanEnv is the test's environment without storage configuration.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "STORAGE_URL=") || strings.HasPrefix(kv, "STORAGES_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// memShared runs the command in this process, with every mem:// URL and
// every configured storage opening one shared storage per URL or name, so
// that invocations share it as they would share a bucket.
type memShared struct {
	mu     sync.Mutex
	stores map[string]*storage.Storage
}

func newMemShared() *memShared { return &memShared{stores: map[string]*storage.Storage{}} }

func (m *memShared) shared(key string, st *storage.Storage) *storage.Storage {
	m.mu.Lock()
	defer m.mu.Unlock()
	if prev := m.stores[key]; prev != nil {
		st.Close()
		st = prev
	} else {
		m.stores[key] = st
	}
	return st.Wrap(func(d storage.Driver) storage.Driver { return noClose{d} })
}

func (m *memShared) app(env []string, stdin io.Reader, out, errw io.Writer) *app {
	a := &app{io: stdio{in: stdin, out: out, err: errw}, env: env, stores: map[string]*storage.Storage{}}
	a.openURL = func(ctx context.Context, p *storage.ParsedURL, opts ...storage.Option) (*storage.Storage, error) {
		st, err := p.Open(ctx, opts...)
		if err != nil || p.Scheme() != "mem" || len(opts) > 0 {
			return st, err
		}
		return m.shared("url:"+p.String(), st), nil
	}
	a.cfgWrap = func(name string, st *storage.Storage) *storage.Storage { return m.shared("config:"+name, st) }
	return a
}

func (m *memShared) run(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := m.app(env, strings.NewReader(stdin), &out, &errb).run(context.Background(), args)
	return result{out.String(), errb.String(), code}
}

func (m *memShared) serve(t *testing.T, env []string, args ...string) (string, func() int) {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	a := m.app(env, strings.NewReader(""), io.Discard, pw)
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, append([]string{"serve"}, args...))
		pw.Close()
	}()
	base := serverURL(t, pr)
	go io.Copy(io.Discard, pr)
	return base, func() int { cancel(); return <-done }
}

// noClose keeps the shared memory storage open across invocations.
type noClose struct{ storage.Driver }

func (noClose) Close() error { return nil }

// expect fails unless r exited with code.
func (r result) expect(t *testing.T, code int, what string) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.out, r.err)
	}
	if code != 0 && strings.Count(strings.TrimSpace(r.err), "\n") > 1 {
		t.Fatalf("%s: error is not one line:\n%s", what, r.err)
	}
	return r
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// backend is a storage the scenario runs against: env configures the
// storage "remote", base is the prefix the scenario works under, and
// fetch says whether signed URLs can be fetched over HTTP.
type backend struct {
	run       runner
	env       []string
	base      string // "remote:run/" or a URL with a path
	urlPrefix string // what `url <base>a.txt` starts with ("" skips url)
	signed    bool   // signed GET URLs work over HTTP
	serve     server // nil: the binary

	putContentType bool // signed PUT URLs can enforce a content type
}

// server starts `storages serve` with args and returns its base URL and a
// function that stops it (as Ctrl-C does) and returns its exit status.
type server func(t *testing.T, env []string, args ...string) (string, func() int)

// execServer runs `storages serve` as a process.
func execServer(t *testing.T, env []string, args ...string) (string, func() int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(cleanEnv(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := serverURL(t, stderr)
	go io.Copy(io.Discard, stderr)
	return base, func() int {
		cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	}
}

// serverURL reads the "Serving ... at URL" line.
func serverURL(t *testing.T, r io.Reader) string {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed %q: %v", line, err)
	}
	_, after, ok := strings.Cut(line, " at ")
	if !strings.HasPrefix(line, "Serving ") || !ok {
		t.Fatalf("serve printed %q", line)
	}
	return strings.Fields(after)[0]
}

// scenario runs every command against b, as a newcomer would.
func scenario(t *testing.T, b backend) {
	run := func(stdin string, args ...string) result { t.Helper(); return b.run(t, b.env, stdin, args...) }
	r := func(rel string) string { return b.base + rel }
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeFile(t, filepath.Join(src, "a.txt"), "alpha")
	writeFile(t, filepath.Join(src, "css", "app.css"), "body { color: red }")
	writeFile(t, filepath.Join(src, "img", "logo.png"), "\x89PNG\r\n\x1a\nnot really")
	writeFile(t, filepath.Join(src, "deep", "x", "y.txt"), "deep")

	res := run("", "cp", "-r", src, b.base).expect(t, 0, "cp -r")
	if res.out != "" || res.err != "" {
		t.Fatalf("cp -r printed %q / %q, want nothing (not a terminal)", res.out, res.err)
	}
	if got := run("", "ls", b.base).expect(t, 0, "ls").out; got != "a.txt\ncss/\ndeep/\nimg/\n" {
		t.Fatalf("ls = %q", got)
	}
	if got := run("", "ls", "-R", b.base).expect(t, 0, "ls -R").out; got != "a.txt\ncss/app.css\ndeep/x/y.txt\nimg/logo.png\n" {
		t.Fatalf("ls -R = %q", got)
	}
	if got := run("", "ls", strings.TrimSuffix(b.base, "/")+"/deep").expect(t, 0, "ls dir without /").out; got != "x/\n" {
		t.Fatalf("ls deep = %q", got)
	}
	long := run("", "ls", "-l", r("css/")).expect(t, 0, "ls -l").out
	if !strings.Contains(long, "text/css") || !strings.Contains(long, " 19  ") || !strings.HasSuffix(long, "app.css\n") {
		t.Fatalf("ls -l = %q", long)
	}
	var entries []listed
	for line := range strings.Lines(run("", "--json", "ls", "-R", "-l", b.base).expect(t, 0, "ls --json").out) {
		var e listed
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("ls --json line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	if len(entries) != 4 || entries[3].Name != "img/logo.png" || entries[3].ContentType != "image/png" || entries[3].Size != 18 {
		t.Fatalf("ls --json = %+v", entries)
	}
	if got := run("", "cat", r("a.txt"), r("deep/x/y.txt")).expect(t, 0, "cat").out; got != "alphadeep" {
		t.Fatalf("cat = %q", got)
	}
	var st stat
	if err := json.Unmarshal([]byte(run("", "stat", "--json", r("css/app.css")).expect(t, 0, "stat").out), &st); err != nil {
		t.Fatal(err)
	}
	if st.Size != 19 || !strings.HasPrefix(st.ContentType, "text/css") {
		t.Fatalf("stat = %+v", st)
	}
	if out := run("", "stat", r("a.txt")).expect(t, 0, "stat").out; !strings.Contains(out, "Size:                5\n") {
		t.Fatalf("stat = %q", out)
	}

	// cp inside the storage, into a directory; mv; errors name the object.
	run("", "cp", r("a.txt"), r("copy/")).expect(t, 0, "cp into dir")
	run("", "mv", r("copy/a.txt"), r("moved.txt")).expect(t, 0, "mv")
	if got := run("", "cat", r("moved.txt")).expect(t, 0, "cat moved").out; got != "alpha" {
		t.Fatalf("moved = %q", got)
	}
	e := run("", "cat", r("copy/a.txt")).expect(t, 1, "cat moved-away")
	if !strings.Contains(e.err, "copy/a.txt") || !strings.Contains(e.err, "does not exist") && !strings.Contains(e.err, "no such file") {
		t.Fatalf("missing object error = %q", e.err)
	}
	run("", "cp", r("css/"), filepath.Join(dir, "x")).expect(t, 1, "cp dir without -r")
	run("", "rm", r("nothing-here.txt")).expect(t, 1, "rm missing")

	// Standard input and output.
	run("from stdin", "cp", "-", r("stdin.txt")).expect(t, 0, "cp -")
	if got := run("", "cp", r("stdin.txt"), "-").expect(t, 0, "cp to -").out; got != "from stdin" {
		t.Fatalf("cp to - = %q", got)
	}
	run("", "rm", r("stdin.txt")).expect(t, 0, "rm one")

	// sync: a changed file, a removed file, an extra object.
	writeFile(t, filepath.Join(src, "a.txt"), "alpha, longer")
	if err := os.Remove(filepath.Join(src, "img", "logo.png")); err != nil {
		t.Fatal(err)
	}
	dry := run("", "sync", "--delete", "--dry-run", src, b.base).expect(t, 0, "sync --dry-run").out
	for _, want := range []string{"would copy ", "a.txt\n", "would delete " + r("img/logo.png"), "would delete " + r("moved.txt"), "1 to copy (13 B), 2 to delete, 2 unchanged."} {
		if !strings.Contains(dry, want) {
			t.Fatalf("sync --dry-run output lacks %q:\n%s", want, dry)
		}
	}
	if got := run("", "cat", r("moved.txt")).expect(t, 0, "dry run kept").out; got != "alpha" {
		t.Fatal("dry run changed something")
	}
	lines := strings.Split(strings.TrimSpace(run("", "--json", "sync", "--delete", src, b.base).expect(t, 0, "sync").out), "\n")
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["copied"] != 1.0 || sum["deleted"] != 2.0 || sum["unchanged"] != 2.0 || sum["failed"] != 0.0 {
		t.Fatalf("sync summary = %v", sum)
	}
	if got := run("", "sync", "--delete", src, b.base).expect(t, 0, "sync again").out; got != "0 copied (0 B), 0 deleted, 3 unchanged.\n" {
		t.Fatalf("second sync = %q", got)
	}

	// Back to a new local directory: the same files, and no sidecar.
	out := filepath.Join(dir, "out")
	run("", "cp", "-r", b.base, out).expect(t, 0, "cp -r back")
	var got []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			want, _ := os.ReadFile(filepath.Join(src, rel))
			have, _ := os.ReadFile(p)
			if !bytes.Equal(want, have) {
				t.Errorf("%s: %q, want %q", rel, have, want)
			}
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if !slices.Equal(got, []string{"a.txt", "css/app.css", "deep/x/y.txt"}) {
		t.Fatalf("downloaded %q", got)
	}

	if b.urlPrefix != "" {
		if u := strings.TrimSpace(run("", "url", r("css/app.css")).expect(t, 0, "url").out); !strings.HasPrefix(u, b.urlPrefix) || !strings.HasSuffix(u, "css/app.css") {
			t.Fatalf("url = %q, want it under %q", u, b.urlPrefix)
		}
	}
	if b.signed {
		u := strings.TrimSpace(run("", "sign", "--expires", "5m", r("a.txt")).expect(t, 0, "sign").out)
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "alpha, longer" {
			t.Fatalf("GET signed URL: %s %q", resp.Status, body)
		}
		signPut := []string{"sign", "--method", "PUT", r("put.txt")}
		if b.putContentType {
			signPut = append(signPut, "--content-type", "text/plain")
		}
		put := strings.TrimSpace(run("", signPut...).expect(t, 0, "sign PUT").out)
		if !strings.HasPrefix(put, "http") {
			t.Fatalf("sign PUT = %q", put)
		}
	}

	// rm -r: refused without a terminal, then --yes.
	e = run("", "rm", "-r", b.base).expect(t, 1, "rm -r without --yes")
	if !strings.Contains(e.err, "--yes") || !strings.Contains(e.err, "3 objects") {
		t.Fatalf("rm -r refusal = %q", e.err)
	}
	run("", "rm", "-r", "--yes", b.base).expect(t, 0, "rm -r --yes")
	if got := run("", "ls", "-R", b.base).expect(t, 0, "ls after rm").out; got != "" {
		t.Fatalf("left after rm -r: %q", got)
	}

	collectAndServe(t, b, dir)
	run("", "rm", "-r", "--yes", b.base).expect(t, 0, "rm -r --yes")
}

// collectAndServe runs collectstatic into the backend, then serves it.
func collectAndServe(t *testing.T, b backend, dir string) {
	run := func(stdin string, args ...string) result { t.Helper(); return b.run(t, b.env, stdin, args...) }
	static := filepath.Join(dir, "static")
	writeFile(t, filepath.Join(static, "css", "app.css"), `body { background: url("../img/bg.png") }`)
	writeFile(t, filepath.Join(static, "img", "bg.png"), "\x89PNG\r\n\x1a\nbackground")
	writeFile(t, filepath.Join(static, "app.js"), strings.Repeat("console.log('hello, world');\n", 40))
	vendor := filepath.Join(dir, "vendor")
	writeFile(t, filepath.Join(vendor, "lib.js"), "export const x = 1;")
	dst := b.base + "static/"
	out := run("", "collectstatic", "--compress", "whitenoise", static, "vendor="+vendor, dst).expect(t, 0, "collectstatic").out
	if !regexp.MustCompile(`^4 static files copied to '[^']*static/?', 4 post-processed\.\n$`).MatchString(out) {
		t.Fatalf("collectstatic printed %q", out)
	}
	out = run("", "collectstatic", "--compress", "whitenoise", static, "vendor="+vendor, dst).expect(t, 0, "collectstatic again").out
	if !strings.HasPrefix(out, "0 static files copied to '") || !strings.HasSuffix(out, "', 4 unmodified, 4 post-processed.\n") {
		t.Fatalf("second collectstatic printed %q", out)
	}
	names := run("", "ls", "-R", dst).expect(t, 0, "ls collected").out
	css := regexp.MustCompile(`css/app\.[0-9a-f]{12}\.css\n`).FindString(names)
	png := regexp.MustCompile(`img/bg\.[0-9a-f]{12}\.png\n`).FindString(names)
	for _, want := range []string{"staticfiles.json\n", "vendor/lib.js\n", "app.js.gz\n", "app.js.br\n"} {
		if !strings.Contains(names, want) {
			t.Fatalf("collected tree lacks %q:\n%s", want, names)
		}
	}
	if css == "" || png == "" {
		t.Fatalf("no hashed names in:\n%s", names)
	}
	css, png = strings.TrimSpace(css), strings.TrimSpace(png)
	if got := run("", "cat", dst+css).expect(t, 0, "cat hashed").out; !strings.Contains(got, path.Base(png)) {
		t.Fatalf("%s was not rewritten: %q", css, got)
	}
	dry := run("", "collectstatic", "--dry-run", "--clear", "--noinput", static, dst).expect(t, 0, "collectstatic --dry-run --clear").out
	if !strings.Contains(dry, "static files copied to") {
		t.Fatalf("dry run printed %q", dry)
	}
	run("", "collectstatic", "--clear", static, dst).expect(t, 1, "--clear without a terminal or --noinput")

	// serve: the hashed CSS as immutable, the JS compressed on request.
	start := b.serve
	if start == nil {
		start = execServer
	}
	base, stop := start(t, b.env, "--addr", "127.0.0.1:0", dst)
	resp, err := http.Get(base + css)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), path.Base(png)) || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("GET %s: %s %q %v", css, resp.Status, body, resp.Header)
	}
	req, _ := http.NewRequest("GET", base+"app.js", nil)
	req.Header.Set("Accept-Encoding", "br")
	resp, err = (&http.Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("GET app.js with br: %s %v", resp.Status, resp.Header)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve stopped with exit %d", code)
	}
}

func TestMemory(t *testing.T) {
	m := newMemShared()
	scenario(t, backend{
		run:       m.run,
		serve:     m.serve,
		env:       []string{"STORAGES_REMOTE_URL=mem://?base_url=https://cdn.example.com/"},
		base:      "remote:run/",
		urlPrefix: "https://cdn.example.com/run/",
	})
}

func TestMemoryURL(t *testing.T) {
	m := newMemShared()
	scenario(t, backend{run: m.run, serve: m.serve, base: "mem:///run/"})
}

func TestFilesystem(t *testing.T) {
	root := t.TempDir()
	key := filepath.Join(t.TempDir(), "key")
	writeFile(t, key, strings.Repeat("k", 32))
	scenario(t, backend{
		run:       execRunner,
		env:       []string{"STORAGES_REMOTE_URL=file://" + root + "?base_url=https://cdn.example.com/media/&secret_key_path=" + key + "&sign_base_url=https://example.com/signed/"},
		base:      "remote:run/",
		urlPrefix: "https://cdn.example.com/media/run/",
	})
}

// A filesystem storage signs with the HMAC key of its URL; the URL verifies
// with package hmacurl's Verify, as the service mounting its handler would.
func TestFilesystemSign(t *testing.T) {
	root := t.TempDir()
	key := filepath.Join(t.TempDir(), "key")
	writeFile(t, key, strings.Repeat("k", 32))
	env := []string{"STORAGES_REMOTE_URL=file://" + root + "?secret_key_path=" + key + "&sign_base_url=https://example.com/signed/"}
	u := strings.TrimSpace(execRunner(t, env, "", "sign", "--expires", "1h", "remote:docs/a b.txt").expect(t, 0, "sign").out)
	signer, err := hmacurl.New("https://example.com/signed/", []byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	name, err := signer.Verify(httptest.NewRequest("GET", u, nil))
	if err != nil || name != "docs/a b.txt" {
		t.Fatalf("Verify(%s) = %q, %v", u, name, err)
	}
	if _, err := signer.Verify(httptest.NewRequest("GET", strings.Replace(u, "a%20b", "a%20c", 1), nil)); err == nil {
		t.Fatal("a tampered URL verified")
	}
	// Without a signer the driver says so, in one line.
	r := execRunner(t, nil, "", "sign", filepath.Join(root, "x")).expect(t, 1, "sign unsupported")
	if !strings.Contains(r.err, "not supported") {
		t.Fatalf("sign without a signer: %q", r.err)
	}
}

func TestLocalPaths(t *testing.T) {
	root := t.TempDir()
	scenario(t, backend{run: execRunner, base: root + "/"})
}

func TestS3(t *testing.T) {
	e := emulator.S3(t)
	bucket := emulator.NewS3Bucket(t, e, "gost-cli")
	q := "endpoint=" + e.Endpoint + "&region=" + e.Region + "&access_key_id=" + e.AccessKey +
		"&secret_access_key=" + e.SecretKey + "&use_path_style=true&base_url=https://cdn.example.com/"
	t.Run("config", func(t *testing.T) {
		scenario(t, backend{run: execRunner, env: []string{"STORAGES_REMOTE_URL=s3://" + bucket + "?" + q},
			base: "remote:cfg/", urlPrefix: "https://cdn.example.com/cfg/", signed: true, putContentType: true})
	})
	t.Run("url", func(t *testing.T) {
		// The URL's path is the object prefix; the query travels along.
		scenario(t, backend{run: urlRunner("s3://"+bucket, q), serve: urlServer("s3://"+bucket, q), base: "s3://" + bucket + "/url/", signed: true})
	})
}

func TestGCS(t *testing.T) {
	e := emulator.GCS(t)
	bucket := emulator.NewGCSBucket(t, e, "gost-cli")
	// A service account's key signs V4 URLs (fake-gcs-server serves them
	// without checking the signature; the gcs package's tests verify it).
	key := filepath.Join(t.TempDir(), "key.pem")
	writeFile(t, key, rsaKeyPEM(t))
	scenario(t, backend{
		run: execRunner,
		env: []string{"STORAGES_REMOTE_URL=gs://" + bucket + "?endpoint=http://" + e.Host +
			"&emulator=true&base_url=https://cdn.example.com/&access_id=cli@test.iam.gserviceaccount.com&private_key_path=" + key},
		base:      "remote:run/",
		urlPrefix: "https://cdn.example.com/run/",
		signed:    true,
	})
}

func TestAzure(t *testing.T) {
	e := emulator.Azure(t)
	container := emulator.NewAzureContainer(t, e, "gost-cli")
	scenario(t, backend{
		run:       execRunner,
		env:       []string{"STORAGES_REMOTE_URL=azblob://" + container + "?connection_string=" + urlQueryEscape(e.ConnectionString) + "&base_url=https://cdn.example.com/"},
		base:      "remote:run/",
		urlPrefix: "https://cdn.example.com/run/",
		signed:    true,
	})
}

// urlServer is execServer with urlRunner's rewriting.
func urlServer(base, q string) server {
	return func(t *testing.T, env []string, args ...string) (string, func() int) {
		t.Helper()
		return execServer(t, env, withQuery(base, q, args)...)
	}
}

func withQuery(base, q string, args []string) []string {
	full := slices.Clone(args)
	for i, a := range full {
		if strings.HasPrefix(a, base) {
			full[i] = a + "?" + q
		}
	}
	return full
}

// urlRunner runs the binary with every argument that starts with base
// given the query q: s3://bucket/path becomes s3://bucket/path?q.
func urlRunner(base, q string) runner {
	return func(t *testing.T, env []string, stdin string, args ...string) result {
		t.Helper()
		return execRunner(t, env, stdin, withQuery(base, q, args)...)
	}
}
