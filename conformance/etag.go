package conformance

import (
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-storages/storage"
)

// validEntityTag reports whether e is an HTTP entity tag (RFC 9110, section
// 8.8.3): [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / %x80-FF.
func validEntityTag(e string) bool {
	e = strings.TrimPrefix(e, "W/")
	if len(e) < 2 || e[0] != '"' || e[len(e)-1] != '"' {
		return false
	}
	for i := 1; i < len(e)-1; i++ {
		if c := e[i]; c != 0x21 && (c < 0x23 || c == 0x7f) {
			return false
		}
	}
	return true
}

// etagOf returns the ETag Stat, Open and List report for name, failing
// unless all three are the same valid entity tag.
func etagOf(t T, st *storage.Storage, name string) string {
	t.Helper()
	ctx := t.Context()
	a, err := st.Stat(ctx, name)
	if err != nil {
		t.Fatalf("Stat(%q): %v", name, err)
	}
	if a.ETag == "" {
		t.Fatalf("Stat(%q) reports no ETag", name)
	}
	if !validEntityTag(a.ETag) {
		t.Fatalf("Stat(%q).ETag = %q: not an HTTP entity tag (\"…\" or W/\"…\")", name, a.ETag)
	}
	r, err := st.Open(ctx, name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	r.Close()
	if got := r.Attributes().ETag; got != a.ETag {
		t.Fatalf("Open(%q).Attributes().ETag = %q, Stat says %q", name, got, a.ETag)
	}
	dir := name[:strings.LastIndexByte(name, '/')+1]
	for _, opts := range []storage.ListOptions{{}, {OneLevel: true}} {
		found := false
		for _, e := range list(t, st, dir, opts) {
			if e.Name == name {
				found = true
				if e.ETag != a.ETag {
					t.Fatalf("List(%q, OneLevel=%v) gives %q the ETag %q, Stat says %q", dir, opts.OneLevel, name, e.ETag, a.ETag)
				}
			}
		}
		if !found {
			t.Fatalf("List(%q, OneLevel=%v) does not list %q", dir, opts.OneLevel, name)
		}
	}
	return a.ETag
}

func etagCases() []testCase {
	return []testCase{
		{"valid-and-same-everywhere", func(t T, s *suite) {
			st, _ := s.fresh(t)
			names := []string{"et/plain.txt", "et/sub/nested name+1.bin", "et/empty", "et/ünï.json"}
			sizes := []int{1000, 70_000, 0, 10}
			for i, n := range names {
				put(t, st, n, content(n, sizes[i]), storage.SaveOptions{})
			}
			for _, n := range names {
				etagOf(t, st, n)
			}
		}},
		{"stable-while-unchanged", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "st/a.txt", []byte("same"), storage.SaveOptions{})
			e1 := etagOf(t, st, "st/a.txt")
			e2 := etagOf(t, st, "st/a.txt")
			if e1 != e2 {
				t.Fatalf("ETag of an unchanged object changed: %q then %q", e1, e2)
			}
		}},
		{"changes-on-overwrite", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "ow/a.txt", []byte("version one"), storage.SaveOptions{})
			e1 := etagOf(t, st, "ow/a.txt")
			put(t, st, "ow/a.txt", []byte("version two, longer"), storage.SaveOptions{})
			e2 := etagOf(t, st, "ow/a.txt")
			if e1 == e2 {
				t.Fatalf("the ETag %q did not change when the object was replaced", e1)
			}
		}},
		{"header-serves-304", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("served", 5000)
			put(t, st, "sv/page.bin", data, storage.SaveOptions{})
			serve := func(h http.Header) *httptest.ResponseRecorder {
				r, err := st.Open(ctx, "sv/page.bin")
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				req := httptest.NewRequest(http.MethodGet, "/sv/page.bin", nil)
				req.Header = h
				w := httptest.NewRecorder()
				for k, v := range r.Attributes().Header() {
					w.Header()[k] = v
				}
				http.ServeContent(w, req, "", r.Attributes().ModTime, r)
				return w
			}
			w := serve(http.Header{})
			etag := w.Header().Get("ETag")
			if w.Code != http.StatusOK || w.Body.Len() != len(data) {
				t.Fatalf("ServeContent: %d, %d bytes", w.Code, w.Body.Len())
			}
			if !validEntityTag(etag) {
				t.Fatalf("Attributes().Header() sets ETag %q: not an HTTP entity tag", etag)
			}
			if w := serve(http.Header{"If-None-Match": {etag}}); w.Code != http.StatusNotModified {
				t.Fatalf("If-None-Match: %s answered %d, want 304", etag, w.Code)
			}
			if w := serve(http.Header{"If-None-Match": {`"other", ` + etag}}); w.Code != http.StatusNotModified {
				t.Fatalf("If-None-Match: a list holding %s answered %d, want 304", etag, w.Code)
			}
			if w := serve(http.Header{"If-None-Match": {`"not-this-one"`}}); w.Code != http.StatusOK {
				t.Fatalf("If-None-Match with another tag answered %d, want 200", w.Code)
			}
			if !strings.HasPrefix(etag, "W/") {
				// If-Range needs a strong validator.
				w := serve(http.Header{"If-Range": {etag}, "Range": {"bytes=10-19"}})
				if w.Code != http.StatusPartialContent || w.Body.String() != string(data[10:20]) {
					t.Fatalf("If-Range: %s with a range answered %d %q, want 206 with the range", etag, w.Code, w.Body.String())
				}
			}
		}},
	}
}
