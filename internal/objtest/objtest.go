// Package objtest holds the small test helpers the drivers' tests share:
// reading an object whole, sending an HTTP request to a signed or public
// URL, and serving a storage's objects over HTTP as a CDN would.
package objtest

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

// ReadAll opens name on st and returns its bytes; any error fails t.
func ReadAll(t testing.TB, st *storage.Storage, name string) []byte {
	t.Helper()
	r, err := st.Open(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return b
}

// Do sends req with c (nil: http.DefaultClient) and returns the response's
// status code, body and header; a failed round trip or body read fails t.
func Do(t testing.TB, c *http.Client, req *http.Request) (int, string, http.Header) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL.Redacted(), err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// Get is Do of a GET of u with c (nil: http.DefaultClient).
func Get(t testing.TB, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Do(t, c, req)
}

// Handler serves GET and HEAD of st's objects at /<name>, with their saved
// headers and http.ServeContent's ranges and conditional requests: a CDN in
// front of a private bucket. A missing object or invalid name is 404, any
// other error 502.
func Handler(st *storage.Storage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		f, err := st.Open(r.Context(), strings.TrimPrefix(r.URL.Path, "/"))
		switch {
		case errors.Is(err, storage.ErrNotExist) || errors.Is(err, storage.ErrInvalidName):
			http.NotFound(w, r)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer f.Close()
		for k, v := range f.Attributes().Header() {
			w.Header()[k] = v
		}
		http.ServeContent(w, r, "", f.Attributes().ModTime, f)
	})
}

// As checks that st.As hands out a non-zero T (a driver's SDK client, say)
// and refuses a type nobody hands out; it returns the value.
func As[T comparable](t testing.TB, st *storage.Storage) T {
	t.Helper()
	var v, zero T
	if !st.As(&v) || v == zero {
		t.Fatalf("As(*%T) did not hand out a value", v)
	}
	var other *struct{ unknown bool }
	if st.As(&other) {
		t.Fatal("As gave a value to a type no driver hands out")
	}
	return v
}
