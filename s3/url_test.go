package s3_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/objtest"
	"github.com/go-storages/storage/s3"
)

func httpDo(t *testing.T, method, u string, body io.Reader, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	code, b, _ := objtest.Do(t, nil, req)
	return code, b
}

func TestPresignedURLs(t *testing.T) {
	bucket := newBucket(t, false)
	st := newStorage(t, config(t, bucket))
	ctx := t.Context()
	name := "dir/a b+c ü.txt"
	if _, err := st.Save(ctx, name, strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	// A private bucket without a base URL has no public URL: the
	// endpoint's would be a dead link.
	if u, err := st.URL(name); !errorsIs(err, storage.ErrUnsupported) || !strings.Contains(err.Error(), "public_bucket") {
		t.Fatalf("URL of a private bucket without a base URL: %q, %v; want ErrUnsupported naming public_bucket", u, err)
	}
	endpointURL := strings.TrimSuffix(config(t, bucket).Endpoint, "/") + "/" + bucket + "/" + storage.EscapePath(name)
	if code, _ := httpDo(t, "GET", endpointURL, nil, nil); code != http.StatusForbidden {
		t.Fatalf("anonymous GET of a private object: %d, want 403", code)
	}
	get, err := st.SignedURL(ctx, name, storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := httpDo(t, "GET", get, nil, nil); code != 200 || body != "hello" {
		t.Fatalf("signed GET: %d %q", code, body)
	}
	tampered := strings.Replace(get, "X-Amz-Expires=900", "X-Amz-Expires=901", 1)
	if tampered == get {
		t.Fatalf("no X-Amz-Expires=900 in %s", get)
	}
	if code, _ := httpDo(t, "GET", tampered, nil, nil); code != http.StatusForbidden {
		t.Fatalf("tampered GET: %d, want 403", code)
	}
	// Signed an hour ago for a second (the clock seam): expired now.
	short, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), name, storage.SignOptions{Expiry: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := httpDo(t, "GET", short, nil, nil); code != http.StatusForbidden {
		t.Fatalf("expired GET: %d, want 403", code)
	}
	put, err := st.SignedURL(ctx, "up.txt", storage.SignOptions{Method: "PUT", ContentType: "text/x-test"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := httpDo(t, "PUT", put, strings.NewReader("put"), map[string]string{"Content-Type": "text/plain"}); code != http.StatusForbidden {
		t.Fatalf("signed PUT with another content type: %d, want 403", code)
	}
	if code, body := httpDo(t, "PUT", put, strings.NewReader("put"), map[string]string{"Content-Type": "text/x-test"}); code != 200 {
		t.Fatalf("signed PUT: %d %s", code, body)
	}
	if a, err := st.Stat(ctx, "up.txt"); err != nil || a.ContentType != "text/x-test" || a.Size != 3 {
		t.Fatalf("after signed PUT: %+v, %v", a, err)
	}
	if _, err := st.SignedURL(ctx, name, storage.SignOptions{Expiry: 8 * 24 * time.Hour}); !errorsIs(err, storage.ErrInvalidArgument) {
		t.Fatalf("8-day expiry: %v, want ErrInvalidArgument", err)
	}
}

// Presigning for a custom domain that forwards requests to S3 unchanged,
// Host header included (django-storages #165): a reverse proxy in front of
// MinIO stands in for the domain.
func TestPresignCustomDomain(t *testing.T) {
	bucket := newBucket(t, false)
	_, env := admin(t)
	target, _ := url.Parse(env.Endpoint)
	var hosts []string
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		hosts = append(hosts, r.In.Host)
		r.Out.URL.Scheme, r.Out.URL.Host = target.Scheme, target.Host
		r.Out.Host = r.In.Host // unchanged: the signature covers it
	}})
	defer proxy.Close()
	cfg := config(t, bucket)
	cfg.PresignBaseURL = proxy.URL + "/" + bucket + "/"
	st := newStorage(t, cfg)
	ctx := t.Context()
	if _, err := st.Save(ctx, "p/q r.txt", strings.NewReader("via proxy"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	get, err := st.SignedURL(ctx, "p/q r.txt", storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(get, proxy.URL+"/"+bucket+"/p/q%20r.txt?") {
		t.Fatalf("signed URL %s is not on the custom domain", get)
	}
	if code, body := httpDo(t, "GET", get, nil, nil); code != 200 || body != "via proxy" {
		t.Fatalf("GET through the proxy: %d %q", code, body)
	}
	put, err := st.SignedURL(ctx, "up.txt", storage.SignOptions{Method: "PUT"})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := httpDo(t, "PUT", put, strings.NewReader("up"), nil); code != 200 {
		t.Fatalf("PUT through the proxy: %d %s", code, body)
	}
	if len(hosts) == 0 || hosts[0] != strings.TrimPrefix(proxy.URL, "http://") {
		t.Fatalf("proxy saw hosts %v", hosts)
	}
	// The same URL sent straight to MinIO (another Host) is refused.
	direct := strings.Replace(get, proxy.URL, env.Endpoint, 1)
	if code, _ := httpDo(t, "GET", direct, nil, nil); code != http.StatusForbidden {
		t.Fatalf("custom-domain URL sent to the S3 endpoint: %d, want 403", code)
	}
}

// CloudFront signed URLs: no CloudFront here, so the signature is verified
// independently: RSA-SHA1 over the exact canned policy, URL-safe base64.
func TestCloudFrontSignedURL(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cfg := config(t, "any-bucket")
	cfg.CloudFrontKeyID = "K2JCJMDEHXQW5F"
	cfg.CloudFrontPrivateKey = pemKey
	st := newStorage(t, cfg, storage.WithBaseURL("https://d111111abcdef8.cloudfront.net/media/"))
	before := time.Now()
	signed, err := st.SignedURL(t.Context(), "a b/ü.jpg", storage.SignOptions{Expiry: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	resource := strings.SplitN(signed, "?", 2)[0]
	if resource != "https://d111111abcdef8.cloudfront.net/media/a%20b/%C3%BC.jpg" {
		t.Fatalf("resource %s", resource)
	}
	expires, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil || expires < before.Add(time.Hour).Unix() || expires > time.Now().Add(time.Hour+time.Second).Unix() {
		t.Fatalf("Expires=%q", q.Get("Expires"))
	}
	if q.Get("Key-Pair-Id") != "K2JCJMDEHXQW5F" || q.Has("Policy") {
		t.Fatalf("query %v: want Key-Pair-Id and a canned policy", q)
	}
	policy := fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires)
	sig, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(q.Get("Signature")))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum([]byte(policy))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA1, sum[:], sig); err != nil {
		t.Fatalf("signature does not verify over %s: %v", policy, err)
	}
	// PUT stays an S3 presigned URL.
	put, err := st.SignedURL(t.Context(), "x", storage.SignOptions{Method: "PUT"})
	if err != nil || !strings.Contains(put, "X-Amz-Signature=") {
		t.Fatalf("PUT URL %s, %v", put, err)
	}
	// Configuration errors are clear.
	// With a location, the signed resource is the public URL, prefix
	// included.
	loc := newStorage(t, cfg, storage.WithBaseURL("https://d111111abcdef8.cloudfront.net/"), storage.WithLocation("media"))
	if signed, err := loc.SignedURL(t.Context(), "a b/ü.jpg", storage.SignOptions{}); err != nil ||
		!strings.HasPrefix(signed, "https://d111111abcdef8.cloudfront.net/media/a%20b/%C3%BC.jpg?") {
		t.Fatalf("CloudFront URL with a location: %s, %v", signed, err)
	}
	// Configuration errors are clear.
	cfg.CloudFrontPrivateKey = []byte("not a key")
	if _, err := s3.New(t.Context(), cfg, storage.WithBaseURL("https://d111111abcdef8.cloudfront.net/")); !errorsIs(err, storage.ErrInvalidArgument) || strings.Contains(err.Error(), cfg.SecretAccessKey) {
		t.Fatalf("bad key: %v", err)
	}
	cfg.CloudFrontPrivateKey = pemKey
	if _, err := s3.New(t.Context(), cfg); !errorsIs(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), "base URL") {
		t.Fatalf("CloudFront keys without a base URL: %v", err)
	}
}

func TestPublicURLs(t *testing.T) {
	bucket := newBucket(t, true)
	_, env := admin(t)
	cfg := config(t, bucket)
	cfg.PublicBucket = true
	st := newStorage(t, cfg)
	ctx := t.Context()
	if _, err := st.Save(ctx, "pub/x y.txt", strings.NewReader("public"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	u, _ := st.URL("pub/x y.txt")
	if u != env.Endpoint+"/"+bucket+"/pub/x%20y.txt" {
		t.Fatalf("URL = %s", u)
	}
	if code, body := httpDo(t, "GET", u, nil, nil); code != 200 || body != "public" {
		t.Fatalf("GET %s: %d %q", u, code, body)
	}
	// Config.Public (public-read ACL on every object) declares the
	// objects public too.
	pub := config(t, bucket)
	pub.Public = true
	if u, _ := newStorage(t, pub).URL("a.txt"); u != env.Endpoint+"/"+bucket+"/a.txt" {
		t.Fatalf("URL with Config.Public = %s", u)
	}
	// A base URL (the one way to set a CDN) wins over the endpoint.
	if u, _ := newStorage(t, cfg, storage.WithBaseURL("https://cdn.example.com/")).URL("a.txt"); u != "https://cdn.example.com/a.txt" {
		t.Fatalf("WithBaseURL did not win: %s", u)
	}
	// Without an endpoint the SDK takes one from the environment (see
	// TestEndpointFromEnvironment), which is set when the tests run against
	// an existing service: clear it to see the AWS default.
	for _, v := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(v, "")
	}
	d, err := s3.NewDriver(ctx, s3.Config{Bucket: "b", Region: "eu-west-1", AccessKeyID: "k", SecretAccessKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if d.BucketURL() != "https://b.s3.eu-west-1.amazonaws.com/" {
		t.Fatalf("AWS bucket URL %s", d.BucketURL())
	}
}
