package conformance

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/go-storages/storage"
)

// Objects saved with a Content-Encoding hold the encoded bytes: every read
// (Open, ReadRange, ReadAt, public and signed URLs) must return exactly
// those bytes, never a decoded body (an HTTP client's transparent gzip
// decoding inside a driver) and never an empty one.

// gzipped returns a gzip stream (about 25 KB) of a random text and the text.
func gzipped(t T) (enc, plain []byte) {
	t.Helper()
	rng := rand.New(rand.NewPCG(9, 9))
	plain = make([]byte, 40_000)
	const letters = "abcdefghijklmnopqrstuvwxyz {}\":,\n"
	for i := range plain {
		plain[i] = letters[rng.IntN(len(letters))]
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), plain
}

// encodedObjects saves a gzip object and a br object (bytes that are not
// valid brotli: nothing may try to decode them) and returns them by name.
func encodedObjects(t T, s *suite, st *storage.Storage) map[string][]byte {
	t.Helper()
	need(t, s.caps.Metadata, "Metadata")
	gz, _ := gzipped(t)
	br := content("brotli?", 30_000)
	put(t, st, "enc/data.json.gz", gz, storage.SaveOptions{ContentType: "application/json", ContentEncoding: "gzip"})
	put(t, st, "enc/app.js", br, storage.SaveOptions{ContentType: "text/javascript", ContentEncoding: "br"})
	return map[string][]byte{"enc/data.json.gz": gz, "enc/app.js": br}
}

// rawClient is the harness's client with transparent decompression off
// (its transport cloned with DisableCompression when it is an
// *http.Transport or nil; else a clone of http.DefaultTransport's), so a
// request carries no Accept-Encoding unless it sets one.
func (s *suite) rawClient() *http.Client {
	c := *s.HTTPClient
	tr, ok := c.Transport.(*http.Transport)
	if !ok || tr == nil {
		tr = http.DefaultTransport.(*http.Transport)
	}
	tr = tr.Clone()
	tr.DisableCompression = true
	c.Transport = tr
	return &c
}

// checkEncodedFetch fetches u as clients ask for an encoded object and fails
// unless the stored bytes come back. Without bare, with an explicit
// "Accept-Encoding: gzip" (also ranged) and through the harness's client as
// it is (Go's transport then asks for gzip itself and decodes a gzip body it
// receives: the decoded body must be the decoded stored bytes). With bare,
// with no Accept-Encoding at all, where a service that transcodes would
// serve decoded bytes.
func (s *suite) checkEncodedFetch(t T, what, u string, stored []byte, encoding string, bare bool) {
	t.Helper()
	do := func(c *http.Client, h http.Header) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = h
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: GET %s: %v", what, u, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s: GET %s: reading the body: %v", what, u, err)
		}
		return resp, b
	}
	expect := func(how string, resp *http.Response, got, want []byte, code int) {
		t.Helper()
		if resp.StatusCode != code {
			t.Fatalf("%s %s: status %d (%s), want %d", what, how, resp.StatusCode, show(got), code)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s %s: got %s (Content-Encoding %q), want the stored %s", what, how, show(got), resp.Header.Get("Content-Encoding"), show(want))
		}
		if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, encoding) {
			t.Fatalf("%s %s: served with Content-Encoding %q, stored %q", what, how, ce, encoding)
		}
	}
	raw := s.rawClient()
	if bare {
		resp, got := do(raw, http.Header{})
		expect("without Accept-Encoding", resp, got, stored, http.StatusOK)
		resp, got = do(raw, http.Header{"Range": {"bytes=10-109"}})
		expect("ranged, without Accept-Encoding", resp, got, stored[10:110], http.StatusPartialContent)
		return
	}
	resp, got := do(raw, http.Header{"Accept-Encoding": {"gzip"}})
	expect("with Accept-Encoding: gzip", resp, got, stored, http.StatusOK)
	resp, got = do(raw, http.Header{"Accept-Encoding": {"gzip, deflate, br"}, "Range": {"bytes=10-109"}})
	expect("ranged, with Accept-Encoding: gzip, deflate, br", resp, got, stored[10:110], http.StatusPartialContent)
	resp, got = do(s.HTTPClient, http.Header{})
	want := stored
	if resp.Uncompressed {
		zr, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			t.Fatalf("%s: Go's transport decoded a body the stored bytes (Content-Encoding %q) are no gzip stream of: %v", what, encoding, err)
		}
		if want, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
		resp.Header.Set("Content-Encoding", encoding) // removed by the transport
	}
	expect("through the harness's client (transparent gzip)", resp, got, want, http.StatusOK)
}

func encodingCases() []testCase {
	return []testCase{
		{"open", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			for name, stored := range encodedObjects(t, s, st) {
				r, err := st.Open(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if r.Size() != int64(len(stored)) {
					t.Fatalf("Open(%q).Size() = %d, want %d", name, r.Size(), len(stored))
				}
				got, err := io.ReadAll(r)
				if err != nil {
					t.Fatalf("reading %q: %v", name, err)
				}
				if !bytes.Equal(got, stored) {
					t.Fatalf("Open(%q) read %s, want the stored %s", name, show(got), show(stored))
				}
				p := make([]byte, 100)
				if n, err := r.ReadAt(p, 1000); n != 100 || err != nil || !bytes.Equal(p, stored[1000:1100]) {
					t.Fatalf("ReadAt(%q, 1000) = %d, %v, %s", name, n, err, show(p[:n]))
				}
				if _, err := r.Seek(500, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				got, err = io.ReadAll(r)
				if err != nil || !bytes.Equal(got, stored[500:]) {
					t.Fatalf("Open(%q), Seek(500), read %s, %v", name, show(got), err)
				}
				r.Close()
				a, err := st.Stat(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if a.Size != int64(len(stored)) {
					t.Fatalf("Stat(%q).Size = %d, want %d", name, a.Size, len(stored))
				}
			}
		}},
		{"read-range", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			for name, stored := range encodedObjects(t, s, st) {
				for _, rg := range [][2]int64{{0, -1}, {0, 100}, {1234, 4321}, {int64(len(stored)) - 10, -1}, {10, 1}} {
					rc, err := st.ReadRange(ctx, name, rg[0], rg[1])
					if err != nil {
						t.Fatalf("ReadRange(%q, %d, %d): %v", name, rg[0], rg[1], err)
					}
					got, err := io.ReadAll(rc)
					rc.Close()
					want := stored[rg[0]:]
					if rg[1] >= 0 {
						want = want[:rg[1]]
					}
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("ReadRange(%q, %d, %d) = %s, %v; want the stored %s", name, rg[0], rg[1], show(got), err, show(want))
					}
				}
			}
		}},
		{"public-url", func(t T, s *suite) { s.encodedURLs(t, false, false) }},
		{"public-url-without-accept-encoding", func(t T, s *suite) { s.encodedURLs(t, false, true) }},
		{"signed-url", func(t T, s *suite) { s.encodedURLs(t, true, false) }},
		{"signed-url-without-accept-encoding", func(t T, s *suite) { s.encodedURLs(t, true, true) }},
		{"copy", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			for name, stored := range encodedObjects(t, s, st) {
				dst := name + ".copy"
				track(t, st, dst)
				if err := copyOver(ctx, st, dst, name); err != nil {
					t.Fatalf("Copy(%q): %v", name, err)
				}
				expectBytes(t, st, dst, stored)
			}
		}},
	}
}

// encodedURLs saves the encoded objects and checks their public or signed
// URLs with checkEncodedFetch.
func (s *suite) encodedURLs(t T, signed, bare bool) {
	if signed {
		need(t, s.caps.SignedURL, "SignedURL")
	}
	st, ctx := s.fresh(t)
	for name, stored := range encodedObjects(t, s, st) {
		u, err := st.URL(name)
		what := "public URL of " + name
		if signed {
			u, err = st.SignedURL(ctx, name, storage.SignOptions{})
			what = "signed URL of " + name
		}
		if err != nil {
			t.Fatal(err)
		}
		enc := "gzip"
		if strings.HasSuffix(name, ".js") {
			enc = "br"
		}
		s.checkEncodedFetch(t, what, u, stored, enc, bare)
	}
}
