package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/s3"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// The site on the local filesystem: pages, assets and uploads from one
// origin.
func TestSiteInChromiumFilesystem(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	self := "http://" + srv.Listener.Addr().String()
	static, err := filesystem.New(t.TempDir(), storage.WithBaseURL(self+"/static/"))
	if err != nil {
		t.Fatal(err)
	}
	runSite(t, srv, static, "filesystem", true)
}

// The same page with its assets collected to MinIO and linked through a
// CDN-like caching reverse proxy on another origin (its base URL), whose
// origin is the site's staticfiles.Handler reading the bucket.
func TestSiteInChromiumMinIOBehindCDN(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	self := "http://" + srv.Listener.Addr().String()
	origin, _ := url.Parse(self)
	cdn := httptest.NewServer(newCDN(origin))
	t.Cleanup(cdn.Close)
	e := emulator.S3(t)
	static, err := s3.New(context.Background(), s3.Config{Bucket: newBucket(t, e, false), Region: e.Region, Endpoint: e.Endpoint,
		UsePathStyle: true, AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey},
		storage.WithBaseURL(cdn.URL+"/static/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { static.Close() })
	hits := runSite(t, srv, static, "minio-cdn", true)
	for u := range hits {
		if !strings.HasPrefix(u, cdn.URL+"/static/") {
			t.Errorf("asset %s not loaded through the CDN", u)
		}
	}
}

// The deployment Django users know as "collectstatic to S3, CloudFront in
// front": the CDN's origin is the public bucket itself, so the bytes come
// from MinIO with the headers collect stored (no encoding negotiation: the
// hashed names arrive as they are).
func TestSiteInChromiumBucketBehindCDN(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	e := emulator.S3(t)
	bucket := newBucket(t, e, true)
	endpoint, _ := url.Parse(e.Endpoint)
	cdn := httptest.NewServer(newBucketCDN(endpoint, bucket))
	t.Cleanup(cdn.Close)
	static, err := s3.New(context.Background(), s3.Config{Bucket: bucket, Region: e.Region, Endpoint: e.Endpoint,
		UsePathStyle: true, AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey},
		storage.WithBaseURL(cdn.URL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { static.Close() })
	hits := runSite(t, srv, static, "bucket-cdn", false)
	for u := range hits {
		if !strings.HasPrefix(u, cdn.URL+"/") {
			t.Errorf("asset %s not loaded through the CDN", u)
		}
	}
}

func newBucket(t *testing.T, e emulator.S3Env, public bool) string {
	c := sdk.New(sdk.Options{Region: e.Region, BaseEndpoint: aws.String(e.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, "")})
	bucket := emulator.UniqueName("gost-site")
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := c.CreateBucket(context.Background(), &sdk.CreateBucketInput{Bucket: &bucket})
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "XMinioServerNotInitialized") || time.Now().After(deadline) {
			t.Fatalf("CreateBucket: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if public { // anonymous GetObject, as a bucket behind a CDN has
		policy, _ := json.Marshal(map[string]any{
			"Version": "2012-10-17",
			"Statement": []map[string]any{{
				"Effect": "Allow", "Principal": map[string]any{"AWS": []string{"*"}},
				"Action": []string{"s3:GetObject"}, "Resource": []string{"arn:aws:s3:::" + bucket + "/*"},
			}},
		})
		if _, err := c.PutBucketPolicy(context.Background(), &sdk.PutBucketPolicyInput{Bucket: &bucket, Policy: aws.String(string(policy))}); err != nil {
			t.Fatalf("PutBucketPolicy: %v", err)
		}
	}
	return bucket
}

// cdn is a CDN-like reverse proxy: it forwards to the origin and keeps
// public 200 answers in memory, keyed by path and Accept-Encoding (the
// origin says Vary: Accept-Encoding), answering X-Cache: HIT or MISS.
type cdn struct {
	proxy *httputil.ReverseProxy
	mu    sync.Mutex
	cache map[string]*cached
}

type cached struct {
	hdr  http.Header
	body []byte
}

func newCDN(origin *url.URL) *cdn {
	return &cdn{proxy: &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(origin) }},
		cache: map[string]*cached{}}
}

// newBucketCDN fronts a public bucket (path-style, origin
// ENDPOINT/BUCKET/), adding the CORS header that module scripts and fonts
// from another origin need, as a CDN's response-headers policy would.
func newBucketCDN(endpoint *url.URL, bucket string) *cdn {
	return &cdn{proxy: &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(endpoint)
			pr.Out.URL.Path = "/" + bucket + pr.In.URL.Path
			pr.Out.URL.RawPath = ""
			pr.Out.Header.Del("Cookie")
		},
		ModifyResponse: func(r *http.Response) error {
			r.Header.Set("Access-Control-Allow-Origin", "*")
			return nil
		},
	}, cache: map[string]*cached{}}
}

func (c *cdn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path + "\x00" + r.Header.Get("Accept-Encoding")
	c.mu.Lock()
	hit := c.cache[key]
	c.mu.Unlock()
	if r.Method == http.MethodGet && hit != nil && r.Header.Get("Range") == "" {
		for k, v := range hit.hdr {
			w.Header()[k] = v
		}
		w.Header().Set("X-Cache", "HIT")
		w.Write(hit.body)
		return
	}
	rec := httptest.NewRecorder()
	c.proxy.ServeHTTP(rec, r)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	if r.Method == http.MethodGet && res.StatusCode == http.StatusOK && strings.Contains(res.Header.Get("Cache-Control"), "public") {
		c.mu.Lock()
		c.cache[key] = &cached{hdr: res.Header.Clone(), body: body}
		c.mu.Unlock()
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Cache", "MISS")
	w.WriteHeader(res.StatusCode)
	w.Write(body)
}

// runSite starts the site on srv with its assets in static, loads it in
// headless Chromium and checks every subresource, the font, the module and
// an upload. negotiated says whether the assets' server picks encodings
// (the Handler does, a bucket does not). It returns the assets' URLs.
func runSite(t *testing.T, srv *httptest.Server, static *storage.Storage, label string, negotiated bool) map[string]bool {
	ctx := context.Background()
	mediaSt, err := filesystem.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	site, err := New(ctx, Config{Static: static, Media: mediaSt})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = site
	srv.Start()
	t.Cleanup(srv.Close)

	// The subresources the page must load, with the encoding each must
	// arrive in: br when collect kept a brotli variant (Chromium accepts
	// br), else none.
	want := map[string]string{}
	for _, orig := range []string{"css/app.css", "css/base.css", "js/app.js", "js/lib/mark.js", "fonts/go-regular.ttf", "img/logo.svg"} {
		hashed, ok := site.Collected.Manifest.Lookup(orig)
		if !ok {
			t.Fatalf("%s not collected", orig)
		}
		u, err := static.URL(hashed)
		if err != nil {
			t.Fatal(err)
		}
		enc := ""
		if ok, _ := static.Exists(ctx, hashed+".br"); ok && negotiated {
			enc = "br"
		}
		want[u] = enc
	}

	bctx := browser(t)
	var mu sync.Mutex
	responses := map[string]*network.Response{}
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok {
			mu.Lock()
			responses[e.Response.URL] = e.Response
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#status[data-ran="yes"]`)),
	); err != nil {
		t.Fatal(err)
	}
	status := run(t, bctx, chromedp.Text(chromedp.ID("status")))
	fontStatus := run(t, bctx, chromedp.Evaluate[string](`document.fonts.ready.then(() => {
		const f = [...document.fonts].find(f => f.family.replace(/"/g, "") === "SiteFont");
		return f ? f.status : "missing";
	})`, chromedp.EvalAwaitPromise))
	fontCheck := run(t, bctx, chromedp.Evaluate[bool](`document.fonts.check('16px "SiteFont"')`))
	fontUsed := run(t, bctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("title")).fontFamily`))
	bodyColor := run(t, bctx, chromedp.Evaluate[string](`getComputedStyle(document.body).color`))
	logo := run(t, bctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("logo")).backgroundImage`))
	if status != "module ran" {
		t.Errorf("module: #status is %q", status)
	}
	if fontStatus != "loaded" || !fontCheck || !strings.HasPrefix(strings.TrimPrefix(fontUsed, `"`), "SiteFont") {
		t.Errorf("font: status %q, check %v, h1 font-family %q", fontStatus, fontCheck, fontUsed)
	}
	if bodyColor != "rgb(1, 2, 3)" {
		t.Errorf("@import base.css not applied: body color %q", bodyColor)
	}
	if !strings.Contains(logo, "img/logo.") {
		t.Errorf("logo background %q", logo)
	}
	// The image is fetched only when painted; give it the time to be.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := 0
		for u := range want {
			if responses[u] != nil {
				n++
			}
		}
		mu.Unlock()
		if n == len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	for u, enc := range want {
		r := responses[u]
		if r == nil {
			t.Errorf("%s was not loaded", u)
			continue
		}
		if r.Status != 200 || header(r.Headers, "Content-Encoding") != enc {
			t.Errorf("%s: %d, Content-Encoding %q; want 200, %q", u, r.Status, header(r.Headers, "Content-Encoding"), enc)
		}
		t.Logf("%s: %d %s %q", u, r.Status, header(r.Headers, "Content-Type"), header(r.Headers, "Content-Encoding"))
	}
	mu.Unlock()

	// An upload comes back; an uploaded page downloads, sandboxed.
	dir := t.TempDir()
	up := filepath.Join(dir, "hello page.html")
	content := `<script>document.title = "pwned"</script><p>hello from chromium</p>`
	if err := os.WriteFile(up, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{up}),
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.CSS(`#uploads a`)),
	); err != nil {
		t.Fatal(err)
	}
	const link = `fetch(document.querySelector("#uploads a").href)`
	got := run(t, bctx, chromedp.Evaluate[string](link+`.then(r => r.text())`, chromedp.EvalAwaitPromise))
	disposition := run(t, bctx, chromedp.Evaluate[string](link+`.then(r => r.headers.get("content-disposition"))`, chromedp.EvalAwaitPromise))
	csp := run(t, bctx, chromedp.Evaluate[string](link+`.then(r => r.headers.get("content-security-policy"))`, chromedp.EvalAwaitPromise))
	if got != content {
		t.Errorf("upload came back as %q", got)
	}
	if !strings.HasPrefix(disposition, "attachment") || csp != "sandbox" {
		t.Errorf("uploaded HTML: Content-Disposition %q, Content-Security-Policy %q", disposition, csp)
	}
	shot := run(t, bctx, chromedp.FullScreenshot(100))
	art := artifactDir(t)
	p := filepath.Join(art, "site-"+label+".png")
	if err := os.WriteFile(p, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	loaded := map[string]bool{}
	for u := range want {
		loaded[u] = true
	}
	return loaded
}

func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// artifactDir is the git-ignored folder test artifacts are kept in:
// examples/site/artifacts, or $SITE_ARTIFACTS.
func artifactDir(t *testing.T) string {
	d := os.Getenv("SITE_ARTIFACTS")
	if d == "" {
		d = "artifacts"
	}
	d, err := filepath.Abs(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// browser starts Debian's headless Chromium (scripts/test installs it) for
// the test. As root it must run without its sandbox.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no chromium on PATH: scripts/test installs Debian's chromium package (apt-get install -y chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1000, 700),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	var logs bytes.Buffer
	var logMu sync.Mutex
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(func(f string, a ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		logs.WriteString(strings.TrimSpace(f) + "\n")
	}))
	tctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
	})
	return tctx
}
