package media_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/internal/counting"
	"github.com/go-storages/storage/internal/emulator"
	"github.com/go-storages/storage/media"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/s3"
)

func TestMain(m *testing.M) { emulator.Main(m) }

var key = []byte(strings.Repeat("k", 32))

// backend is a storage and a server with the media handler under /media/
// and, for drivers without native signing, hmacurl's endpoint under
// /signed/ wrapped in media.Protect.
type backend struct {
	name string
	// native: signed URLs go to the service itself, which serves the
	// headers stored by media.Save (S3 sends no nosniff of its own).
	native bool
	new    func(t *testing.T, signedBase string) *storage.Storage
}

var backends = []backend{
	{name: "memory", new: func(t *testing.T, base string) *storage.Storage {
		sg, err := hmacurl.New(base, key)
		if err != nil {
			t.Fatal(err)
		}
		st, err := memory.New(storage.WithSigner(sg))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{name: "filesystem", new: func(t *testing.T, base string) *storage.Storage {
		sg, err := hmacurl.New(base, key)
		if err != nil {
			t.Fatal(err)
		}
		st, err := filesystem.New(t.TempDir(), storage.WithSigner(sg))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}},
	{name: "s3-minio", native: true, new: func(t *testing.T, _ string) *storage.Storage {
		e := emulator.S3(t)
		bucket := newBucket(t, e)
		st, err := s3.New(context.Background(), s3.Config{Bucket: bucket, Region: e.Region, Endpoint: e.Endpoint,
			UsePathStyle: true, AccessKeyID: e.AccessKey, SecretAccessKey: e.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

func newBucket(t *testing.T, e emulator.S3Env) string {
	return emulator.NewS3Bucket(t, e, "gost-media")
}

var uploads = []struct {
	name, body string
	risky      bool
	ctype      string
}{
	{"u/page.html", "<script>alert(document.cookie)</script>", true, "text/html; charset=utf-8"},
	{"u/img.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, true, "image/svg+xml"},
	{"u/data.xml", `<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>`, true, ""},
	{"u/app.js", "alert(1)", true, ""},
	{"u/blob", "<html><script>alert(1)</script>", true, "application/octet-stream"},
	{"u/pic.png", "\x89PNG\r\n\x1a\n<script>alert(1)</script>", false, "image/png"},
	{"u/notes.txt", "<script>alert(1)</script>", false, "text/plain; charset=utf-8"},
	{"private/report.html", "<h1>secret</h1>", true, "text/html; charset=utf-8"},
	{"private/photo.png", "\x89PNG\r\n\x1a\nsecret", false, "image/png"},
}

func TestMediaHandler(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			mux := http.NewServeMux()
			srv := httptest.NewServer(mux)
			defer srv.Close()
			st := b.new(t, srv.URL+"/signed/")
			ctx := context.Background()
			for _, u := range uploads {
				if _, err := media.Save(ctx, st, u.name, strings.NewReader(u.body), storage.SaveOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			var authorized atomic.Int64
			h, err := media.NewHandler(st, media.Options{
				Prefix: "/media/",
				Authorize: func(r *http.Request, name string) media.Access {
					if !strings.HasPrefix(name, "private/") {
						return media.Public
					}
					authorized.Add(1)
					if c, err := r.Cookie("session"); err == nil && c.Value == "alice" {
						return media.Private
					}
					return media.Deny
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			mux.Handle("/media/", h)
			if sg, ok := signerOf(t, b, srv.URL); ok {
				mux.Handle("/signed/", media.Protect(sg.Handler(st)))
			}
			client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			defer client.CloseIdleConnections()

			for _, u := range uploads {
				if strings.HasPrefix(u.name, "private/") {
					continue
				}
				resp, body := get(t, client, srv.URL+"/media/"+u.name, nil)
				if resp.StatusCode != 200 || body != u.body {
					t.Errorf("%s: %d %q", u.name, resp.StatusCode, body)
				}
				checkSafety(t, u.name, resp.Header, u.risky, true)
				if u.ctype != "" && resp.Header.Get("Content-Type") != u.ctype {
					t.Errorf("%s: Content-Type %q, want %q", u.name, resp.Header.Get("Content-Type"), u.ctype)
				}
			}
			// Range and 405 on public media.
			resp, body := get(t, client, srv.URL+"/media/u/notes.txt", map[string]string{"Range": "bytes=1-6"})
			if resp.StatusCode != 206 || body != "script" {
				t.Errorf("range: %d %q", resp.StatusCode, body)
			}
			rq, _ := http.NewRequest("DELETE", srv.URL+"/media/u/notes.txt", nil)
			if resp, err := client.Do(rq); err != nil || resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("DELETE: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
			if resp, _ := get(t, client, srv.URL+"/media/u/missing.png", nil); resp.StatusCode != 404 {
				t.Errorf("missing: %d", resp.StatusCode)
			}

			// Private media: the hook decides per request; the answer is
			// a short-lived signed redirect, never the bytes.
			noRedirect := &http.Client{Transport: client.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
			resp, _ = get(t, noRedirect, srv.URL+"/media/private/report.html", nil)
			if resp.StatusCode != 403 {
				t.Errorf("private without a session: %d", resp.StatusCode)
			}
			resp, _ = get(t, noRedirect, srv.URL+"/media/private/report.html", map[string]string{"Cookie": "session=alice"})
			loc := resp.Header.Get("Location")
			if resp.StatusCode != 302 || loc == "" || resp.Header.Get("Cache-Control") != "private, no-store" {
				t.Fatalf("private: %d, Location %q, Cache-Control %q", resp.StatusCode, loc, resp.Header.Get("Cache-Control"))
			}
			lu, _ := url.Parse(loc)
			if b.native && !strings.Contains(lu.RawQuery, "X-Amz-Expires=60") {
				t.Errorf("signed URL %s: want a 60 s expiry", loc)
			}
			for _, p := range []struct {
				name, body string
				risky      bool
			}{{"private/report.html", "<h1>secret</h1>", true}, {"private/photo.png", "\x89PNG\r\n\x1a\nsecret", false}} {
				resp, body := get(t, client, srv.URL+"/media/"+p.name, map[string]string{"Cookie": "session=alice"})
				if resp.StatusCode != 200 || body != p.body {
					t.Errorf("%s through the signed URL: %d %q", p.name, resp.StatusCode, body)
				}
				checkSafety(t, p.name+" (signed)", resp.Header, p.risky, !b.native)
			}
			if authorized.Load() < 4 {
				t.Errorf("Authorize called %d times", authorized.Load())
			}
		})
	}
}

// signerOf rebuilds the hmacurl signer of a non-native backend (same key and
// base) for the /signed/ endpoint.
func signerOf(t *testing.T, b backend, base string) (*hmacurl.Signer, bool) {
	if b.native {
		return nil, false
	}
	sg, err := hmacurl.New(base+"/signed/", key)
	if err != nil {
		t.Fatal(err)
	}
	return sg, true
}

func checkSafety(t *testing.T, name string, h http.Header, risky, nosniff bool) {
	t.Helper()
	if nosniff && h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", name)
	}
	cd, csp := h.Get("Content-Disposition"), h.Get("Content-Security-Policy")
	if risky != strings.HasPrefix(cd, "attachment") {
		t.Errorf("%s: Content-Disposition %q (script-capable: %v)", name, cd, risky)
	}
	if nosniff && risky != (csp == "sandbox") { // the service itself sends no CSP
		t.Errorf("%s: Content-Security-Policy %q (script-capable: %v)", name, csp, risky)
	}
}

func get(t *testing.T, c *http.Client, u string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	rq, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		rq.Header.Set(k, v)
	}
	resp, err := c.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestInlineAllowed(t *testing.T) {
	st, _ := memory.New()
	ctx := context.Background()
	svg := `<svg xmlns="http://www.w3.org/2000/svg"/>`
	if _, err := media.Save(ctx, st, "logo.svg", strings.NewReader(svg), storage.SaveOptions{}, "image/svg+xml"); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Stat(ctx, "logo.svg"); a.ContentDisposition != "" {
		t.Errorf("stored Content-Disposition %q for an allowed type", a.ContentDisposition)
	}
	h, _ := media.NewHandler(st, media.Options{Inline: []string{"image/svg+xml"}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/logo.svg", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Disposition") != "" || rec.Header().Get("Content-Security-Policy") != "sandbox" ||
		rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("inline svg: %d %v", rec.Code, rec.Header())
	}
	// The filename of the attachment survives non-ASCII names.
	if got := media.Attachment("résumé.html"); got != `attachment; filename*=utf-8''r%C3%A9sum%C3%A9.html` {
		t.Errorf("Attachment = %q", got)
	}
}

func TestHostilePathsTouchNothing(t *testing.T) {
	mem, _ := memory.New()
	st, c := counting.Wrap(mem)
	called := false
	h, _ := media.NewHandler(st, media.Options{Prefix: "/media/", Authorize: func(*http.Request, string) media.Access {
		called = true
		return media.Public
	}})
	for _, p := range []string{"/media/%2e%2e/x", "/media/a%2fb", "/media/..%5cx", "/media/a%00b", "/media/%c0%ae%c0%ae/x",
		"/media/../x", "/media/a//b", "/media/a\\b"} {
		u, err := url.ParseRequestURI(p)
		if err != nil {
			t.Fatal(p, err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, (&http.Request{Method: "GET", URL: u, Header: http.Header{}}).WithContext(context.Background()))
		if rec.Code != 400 || c.Total() != 0 || called {
			t.Errorf("%s: %d, %d storage calls, hook called %v", p, rec.Code, c.Total(), called)
		}
	}
}

// failing is a driver whose reads and stats fail with err.
type failing struct {
	storage.Driver
	err error
}

func (f failing) Read(context.Context, string, storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	return nil, nil, f.err
}

func (f failing) Stat(context.Context, string) (*storage.Attributes, error) { return nil, f.err }

// TestFailStatus: a storage error is answered with the status
// storage.HTTPStatus gives it, the status text only, and logged when it is
// the server's fault.
func TestFailStatus(t *testing.T) {
	cases := []struct {
		err    error
		status int
		logged bool
	}{
		{storage.ErrNotExist, http.StatusNotFound, false},
		{storage.ErrPermission, http.StatusForbidden, false},
		{storage.ErrChanged, http.StatusServiceUnavailable, true},
		{storage.ErrChecksum, http.StatusBadRequest, false},
		{storage.ErrBucketNotExist, http.StatusInternalServerError, true},
		{context.DeadlineExceeded, http.StatusGatewayTimeout, true},
		{errors.New("backend at 10.0.0.7 exploded"), http.StatusInternalServerError, true},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status)+"/"+c.err.Error(), func(t *testing.T) {
			base, _ := memory.New()
			if _, err := base.Save(t.Context(), "a.png", strings.NewReader("png"), storage.SaveOptions{}); err != nil {
				t.Fatal(err)
			}
			st := base.Wrap(func(d storage.Driver) storage.Driver { return failing{d, c.err} })
			var logs strings.Builder
			h, err := media.NewHandler(st, media.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/a.png", nil))
			if rec.Code != c.status || rec.Code == http.StatusNotFound != (rec.Body.String() == "404 page not found\n") {
				t.Fatalf("status %d %q, want %d", rec.Code, rec.Body.String(), c.status)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.7") {
				t.Fatalf("the body shows the error: %q", rec.Body.String())
			}
			if got := strings.Contains(logs.String(), "media: serving"); got != c.logged {
				t.Fatalf("logged %v, want %v: %s", got, c.logged, logs.String())
			}
		})
	}
	// A private object on a storage that cannot sign: 501, not 500.
	st, _ := memory.New()
	h, _ := media.NewHandler(st, media.Options{Authorize: func(*http.Request, string) media.Access { return media.Private }})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/a.png", nil))
	if rec.Code != http.StatusNotImplemented {
		t.Fatalf("private object without a signer: %d %q, want 501", rec.Code, rec.Body.String())
	}
}
