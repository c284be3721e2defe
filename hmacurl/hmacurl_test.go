package hmacurl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/memory"
)

var key = bytes.Repeat([]byte("k"), 32)

// setup serves a memory storage's signed URLs from an httptest server.
func setup(t *testing.T) (*storage.Storage, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sg, err := hmacurl.New(srv.URL+"/signed/", key)
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(storage.WithSigner(sg))
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/signed/", sg.Handler(st))
	return st, srv
}

func get(t *testing.T, method, u string, body io.Reader, ct string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestGetPutAndRefusals(t *testing.T) {
	ctx := context.Background()
	st, _ := setup(t)
	name := "dir/a b+c%d?e#f&g'h ünï 🙂.txt"
	if _, err := st.Save(ctx, name, strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	u, err := st.SignedURL(ctx, name, storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, "GET", u, nil, ""); code != 200 || body != "hello" {
		t.Fatalf("GET = %d %q", code, body)
	}
	if code, _ := get(t, "HEAD", u, nil, ""); code != 200 {
		t.Fatalf("HEAD = %d", code)
	}
	if code, _ := get(t, "PUT", u, strings.NewReader("x"), ""); code != 403 {
		t.Fatalf("PUT with a GET URL = %d, want 403", code)
	}
	// Tampering with any part of the URL is refused.
	pu, _ := url.Parse(u)
	for _, mutate := range []func(q url.Values, p *url.URL){
		func(q url.Values, _ *url.URL) { q.Set("expires", q.Get("expires")+"0") },
		func(q url.Values, _ *url.URL) { s := q.Get("signature"); q.Set("signature", "A"+s[1:]) },
		func(q url.Values, _ *url.URL) { q.Del("signature") },
		func(_ url.Values, p *url.URL) { p.Path += "x"; p.RawPath = "" },
	} {
		c := *pu
		q := c.Query()
		mutate(q, &c)
		c.RawQuery = q.Encode()
		if code, _ := get(t, "GET", c.String(), nil, ""); code != 403 {
			t.Errorf("tampered URL %s = %d, want 403", c.String(), code)
		}
	}
	// PUT with a content type.
	pu2, err := st.SignedURL(ctx, "up/load.bin", storage.SignOptions{Method: "PUT", ContentType: "application/x-test"})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, "PUT", pu2, strings.NewReader("data"), "text/plain"); code != 403 {
		t.Fatalf("PUT with the wrong content type = %d, want 403", code)
	}
	if code, _ := get(t, "PUT", pu2, strings.NewReader("data"), "application/x-test"); code != 200 {
		t.Fatalf("PUT = %d", code)
	}
	a, err := st.Stat(ctx, "up/load.bin")
	if err != nil || a.Size != 4 || a.ContentType != "application/x-test" {
		t.Fatalf("after PUT: %+v %v", a, err)
	}
}

func TestExpired(t *testing.T) {
	ctx := context.Background()
	st, _ := setup(t)
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	// Signed an hour ago for a second (the clock seam): expired now.
	u, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), "a.txt", storage.SignOptions{Expiry: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, "GET", u, nil, ""); code != 403 || !strings.Contains(body, "expired") {
		t.Fatalf("expired URL = %d %q", code, body)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := hmacurl.New("https://x/", []byte("short")); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("short key: %v", err)
	}
	if _, err := hmacurl.New("/relative/", key); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("relative base: %v", err)
	}
}

func Example() {
	ctx := context.Background()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()

	key := bytes.Repeat([]byte("secret--"), 4) // use 32 random bytes kept secret
	sg, _ := hmacurl.New(srv.URL+"/signed/", key)
	st, _ := memory.New(storage.WithSigner(sg))
	mux.Handle("/signed/", sg.Handler(st))

	_, _ = st.Save(ctx, "report.txt", strings.NewReader("quarterly numbers"), storage.SaveOptions{})
	u, _ := st.SignedURL(ctx, "report.txt", storage.SignOptions{Expiry: time.Minute})
	resp, err := http.Get(u)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 quarterly numbers
}
