package gcs_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/gcs"
	"github.com/go-storages/storage/internal/objtest"
)

// verifyV4 checks a V4 signed URL (GOOG4-RSA-SHA256) the way the service
// does, following Google's "V4 signing process" document: it rebuilds the
// canonical request from the URL, the method and the request headers, the
// string to sign, and verifies the RSA-SHA256 signature with pub. It also
// refuses URLs used after their expiry. It shares no code with the SDK.
func verifyV4(rawURL, method string, header http.Header, pub *rsa.PublicKey, now time.Time) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	q := u.Query()
	if q.Get("X-Goog-Algorithm") != "GOOG4-RSA-SHA256" {
		return fmt.Errorf("algorithm %q", q.Get("X-Goog-Algorithm"))
	}
	date, err := time.Parse("20060102T150405Z", q.Get("X-Goog-Date"))
	if err != nil {
		return fmt.Errorf("X-Goog-Date: %v", err)
	}
	expires, err := strconv.Atoi(q.Get("X-Goog-Expires"))
	if err != nil || expires < 1 || expires > 604800 {
		return fmt.Errorf("X-Goog-Expires %q", q.Get("X-Goog-Expires"))
	}
	if now.After(date.Add(time.Duration(expires) * time.Second)) {
		return errors.New("signed URL expired")
	}
	cred := strings.SplitN(q.Get("X-Goog-Credential"), "/", 2)
	if len(cred) != 2 || cred[1] != date.Format("20060102")+"/auto/storage/goog4_request" {
		return fmt.Errorf("X-Goog-Credential %q", q.Get("X-Goog-Credential"))
	}
	sig, err := hex.DecodeString(q.Get("X-Goog-Signature"))
	if err != nil {
		return fmt.Errorf("X-Goog-Signature: %v", err)
	}

	// Canonical query: every parameter but the signature, encoded, sorted.
	var params []string
	for k, vs := range q {
		if k == "X-Goog-Signature" {
			continue
		}
		for _, v := range vs {
			params = append(params, v4Encode(k, false)+"="+v4Encode(v, false))
		}
	}
	sort.Strings(params)
	// Canonical headers: the signed ones, host from the URL. The host is
	// the host name without port (production hosts have none; the SDK signs
	// the emulator's host name the same way).
	signed := strings.Split(q.Get("X-Goog-SignedHeaders"), ";")
	var canonHeaders strings.Builder
	for _, h := range signed {
		v := header.Get(h)
		if h == "host" {
			v = u.Hostname()
		}
		canonHeaders.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	canonical := strings.Join([]string{
		method,
		v4Encode(u.Path, true),
		strings.Join(params, "&"),
		canonHeaders.String(),
		q.Get("X-Goog-SignedHeaders"),
		"UNSIGNED-PAYLOAD",
	}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{"GOOG4-RSA-SHA256", q.Get("X-Goog-Date"), cred[1], hex.EncodeToString(sum[:])}, "\n")
	digest := sha256.Sum256([]byte(toSign))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("signature does not match: %w", err)
	}
	return nil
}

// v4Encode percent-encodes every byte but the RFC 3986 unreserved characters
// (and '/' in a path), as the V4 canonical request requires.
func v4Encode(s string, path bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || path && c == '/' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func fetch(t *testing.T, c *http.Client, method, u string, body []byte, h http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	code, got, _ := objtest.Do(t, c, req)
	return code, []byte(got)
}

func saveString(t *testing.T, st *storage.Storage, name, data string) {
	t.Helper()
	if _, err := st.Save(t.Context(), name, strings.NewReader(data), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
		t.Fatal(err)
	}
}

func expectContent(t *testing.T, st *storage.Storage, name, want string) {
	t.Helper()
	if got := objtest.ReadAll(t, st, name); string(got) != want {
		t.Fatalf("%s holds %q, want %q", name, got, want)
	}
}

// TestSignedURLVerified signs GET and PUT URLs with the service-account key,
// checks each signature independently, and uses the URLs on the emulator.
func TestSignedURLVerified(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	ctx := t.Context()
	for _, name := range []string{"report.pdf", "a b/c+d=e&f.txt", "юникод/文件 😀.txt", "100%/x?y#z.txt"} {
		t.Run("get "+name, func(t *testing.T) {
			saveString(t, st, name, "content of "+name)
			u, err := st.SignedURL(ctx, name, storage.SignOptions{Expiry: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if err := verifyV4(u, http.MethodGet, nil, &e.key.PublicKey, time.Now()); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			if !strings.HasPrefix(u, "http://"+e.host+"/"+e.bucket+"/") {
				t.Fatalf("signed URL %s is not on the emulator's path-style address", u)
			}
			code, body := fetch(t, http.DefaultClient, http.MethodGet, u, nil, nil)
			if code != http.StatusOK || string(body) != "content of "+name {
				t.Fatalf("GET %s: %d %q", u, code, body)
			}
		})
	}
	t.Run("put", func(t *testing.T) {
		u, err := st.SignedURL(ctx, "up/new file.csv", storage.SignOptions{Method: http.MethodPut, ContentType: "text/csv"})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{"Content-Type": {"text/csv"}}
		if err := verifyV4(u, http.MethodPut, h, &e.key.PublicKey, time.Now()); err != nil {
			t.Fatal(err)
		}
		// The signature covers the content type: another one does not verify.
		if err := verifyV4(u, http.MethodPut, http.Header{"Content-Type": {"text/html"}}, &e.key.PublicKey, time.Now()); err == nil {
			t.Fatal("PUT URL verified with another Content-Type")
		}
		if err := verifyV4(u, http.MethodGet, h, &e.key.PublicKey, time.Now()); err == nil {
			t.Fatal("PUT URL verified as a GET")
		}
		if code, body := fetch(t, http.DefaultClient, http.MethodPut, u, []byte("a,b\n"), h); code/100 != 2 {
			t.Fatalf("PUT: %d %s", code, body)
		}
		expectContent(t, st, "up/new file.csv", "a,b\n")
	})
}

// TestSignedURLRejections proves the verifier (standing in for the service,
// since the emulator accepts any signature) refuses expired and tampered
// URLs and URLs signed with another key.
func TestSignedURLRejections(t *testing.T) {
	e := env(t)
	st := newStorage(t, e.config())
	u, err := st.SignedURL(t.Context(), "dir/file.txt", storage.SignOptions{Expiry: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	pub := &e.key.PublicKey
	if err := verifyV4(u, http.MethodGet, nil, pub, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := verifyV4(u, http.MethodGet, nil, pub, time.Now().Add(2*time.Minute)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired URL: %v", err)
	}
	tampered := map[string]string{
		"object":    strings.Replace(u, "dir/file.txt", "dir/other.txt", 1),
		"expiry":    regexp.MustCompile(`X-Goog-Expires=\d+`).ReplaceAllString(u, "X-Goog-Expires=600"),
		"signature": tamperHex(u),
		"host":      strings.Replace(u, "127.0.0.1", "localhost", 1),
	}
	for what, v := range tampered {
		if v == u {
			t.Fatalf("tampering with the %s changed nothing in %s", what, u)
		}
		if err := verifyV4(v, http.MethodGet, nil, pub, time.Now()); err == nil {
			t.Fatalf("URL with a tampered %s verified: %s", what, v)
		}
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyV4(u, http.MethodGet, nil, &other.PublicKey, time.Now()); err == nil {
		t.Fatal("URL verified with another key")
	}
	_, err = st.SignedURL(t.Context(), "x", storage.SignOptions{Expiry: 8 * 24 * time.Hour})
	if !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("8-day expiry: %v, want ErrInvalidArgument", err)
	}
}

func tamperHex(u string) string {
	i := strings.Index(u, "X-Goog-Signature=") + len("X-Goog-Signature=")
	c := byte('0')
	if u[i] == '0' {
		c = '1'
	}
	return u[:i] + string(c) + u[i+1:]
}

// TestSignBytes signs through Config.SignBytes, the hook for the IAM
// signBlob API: here it signs with the test key, as signBlob would with the
// service account's key.
func TestSignBytes(t *testing.T) {
	e := env(t)
	var calls atomic.Int64
	cfg := gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, Emulator: true, GoogleAccessID: e.email,
		SignBytes: func(b []byte) ([]byte, error) {
			calls.Add(1)
			d := sha256.Sum256(b)
			return rsa.SignPKCS1v15(rand.Reader, e.key, crypto.SHA256, d[:])
		}}
	st := newStorage(t, cfg)
	if c := st.Capabilities(); !c.SignedURL || !c.SignedPutURL {
		t.Fatalf("capabilities with SignBytes on the emulator: %+v", c)
	}
	saveString(t, st, "blob.txt", "signed by signBlob")
	u, err := st.SignedURL(t.Context(), "blob.txt", storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Fatalf("SignBytes called %d times", calls.Load())
	}
	if err := verifyV4(u, http.MethodGet, nil, &e.key.PublicKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, url.QueryEscape(e.email+"/")) {
		t.Fatalf("credential of %s not in %s", e.email, u)
	}
	if code, body := fetch(t, http.DefaultClient, http.MethodGet, u, nil, nil); code != http.StatusOK || string(body) != "signed by signBlob" {
		t.Fatalf("GET: %d %q", code, body)
	}
}

// TestSignedURLBucketBoundHostname signs for a bucket-bound hostname. The
// emulator serves a bucket under its name as host (virtual-host style), so
// the test names the hostname after the bucket and dials the emulator for it.
func TestSignedURLBucketBoundHostname(t *testing.T) {
	e := env(t)
	cfg := e.config()
	cfg.SignHostname = e.bucket
	st := newStorage(t, cfg)
	saveString(t, st, "cdn/logo.svg", "<svg/>")
	u, err := st.SignedURL(t.Context(), "cdn/logo.svg", storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if pu.Host != e.bucket || strings.HasPrefix(pu.Path, "/"+e.bucket+"/") || !strings.HasSuffix(pu.Path, "/cdn/logo.svg") {
		t.Fatalf("bucket-bound URL %s: host or path wrong", u)
	}
	if err := verifyV4(u, http.MethodGet, nil, &e.key.PublicKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	dialer := &net.Dialer{}
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, e.host)
	}}}
	code, body := fetch(t, c, http.MethodGet, u, nil, nil)
	if code != http.StatusOK || string(body) != "<svg/>" {
		t.Fatalf("GET %s through the bucket-bound host: %d %q", u, code, body)
	}
}

// TestSignedURLUnsupportedWithoutKey: an emulator client without a key
// cannot sign, and says so.
func TestSignedURLUnsupportedWithoutKey(t *testing.T) {
	e := env(t)
	st := newStorage(t, gcs.Config{Bucket: e.bucket, Endpoint: e.endpoint, Emulator: true})
	if st.Capabilities().SignedURL {
		t.Fatal("SignedURL declared without a key")
	}
	_, err := st.SignedURL(t.Context(), "x.txt", storage.SignOptions{})
	if !errors.Is(err, storage.ErrUnsupported) {
		t.Fatalf("SignedURL without a key: %v", err)
	}
}
