package conformance

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// tamperSignature changes one character of the URL's signature: the query
// parameter whose name contains "sig" (X-Amz-Signature, X-Goog-Signature,
// Azure's sig, ...), else the longest value. It edits the raw URL so nothing
// else changes. It changes the first letter or digit: the last character of a
// base64 value may carry only padding bits.
func tamperSignature(t T, u string) string {
	t.Helper()
	q := strings.IndexByte(u, '?')
	if q < 0 {
		t.Fatalf("signed URL %q has no query to tamper with", u)
	}
	params := strings.Split(u[q+1:], "&")
	pick := -1
	for i, p := range params {
		k, _, _ := strings.Cut(p, "=")
		if strings.Contains(strings.ToLower(k), "sig") {
			pick = i
		}
	}
	if pick < 0 {
		for i, p := range params {
			if pick < 0 || len(p) > len(params[pick]) {
				pick = i
			}
		}
	}
	k, v, _ := strings.Cut(params[pick], "=")
	b := []byte(v)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '%' {
			i += 2 // keep escapes whole
			continue
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			if c == 'a' {
				b[i] = 'b'
			} else {
				b[i] = 'a'
			}
			break
		}
	}
	params[pick] = k + "=" + string(b)
	return u[:q+1] + strings.Join(params, "&")
}

func signedCases() []testCase {
	return append([]testCase{
		{"unsupported-without-capability", func(t T, s *suite) {
			if s.caps.SignedURL {
				t.Skip("driver declares SignedURL")
			}
			st, ctx := s.fresh(t)
			_, err := st.SignedURL(ctx, "x.txt", storage.SignOptions{})
			expectErr(t, "SignedURL without the capability", err, storage.ErrUnsupported)
		}},
		{"put-unsupported-without-capability", func(t T, s *suite) {
			if s.caps.SignedPutURL {
				t.Skip("driver declares SignedPutURL")
			}
			st, ctx := s.fresh(t)
			_, err := st.SignedURL(ctx, "x.txt", storage.SignOptions{Method: http.MethodPut})
			expectErr(t, "SignedURL(PUT) without the capability", err, storage.ErrUnsupported)
		}},
		{"invalid-options", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := st.SignedURL(ctx, "x.txt", storage.SignOptions{Method: http.MethodDelete})
			expectErr(t, "SignedURL(DELETE)", err, storage.ErrInvalidArgument)
			_, err = st.SignedURL(ctx, "x.txt", storage.SignOptions{Expiry: -time.Second})
			expectErr(t, "SignedURL with a negative expiry", err, storage.ErrInvalidArgument)
		}},
		{"get", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			st, ctx := s.fresh(t)
			data := content("signed", 40_000)
			put(t, st, "private/report.pdf", data, storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "private/report.pdf", storage.SignOptions{Expiry: time.Hour})
			if err != nil {
				t.Fatalf("SignedURL: %v", err)
			}
			s.get(t, u, data)
		}},
		{"get-hostile-names", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			st, ctx := s.fresh(t)
			for _, name := range []string{"a b/c+d.txt", "100%/x?y#z&w.txt", "юникод/文件 😀.txt", "it's.txt"} {
				data := content(name, 500)
				put(t, st, name, data, storage.SaveOptions{})
				u, err := st.SignedURL(ctx, name, storage.SignOptions{})
				if err != nil {
					t.Fatalf("SignedURL(%q): %v", name, err)
				}
				s.get(t, u, data)
			}
		}},
		{"get-range", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			st, ctx := s.fresh(t)
			data := content("ranged", 10_000)
			put(t, st, "ranged.bin", data, storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "ranged.bin", storage.SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			code, _, got := s.fetch(t, http.MethodGet, u, nil, http.Header{"Range": {"bytes=100-199"}})
			if code != http.StatusPartialContent || !bytes.Equal(got, data[100:200]) {
				t.Fatalf("ranged GET: %d %s", code, show(got))
			}
		}},
		{"get-missing-is-4xx", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			st, ctx := s.fresh(t)
			u, err := st.SignedURL(ctx, "nothing-here.txt", storage.SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s.refused(t, http.MethodGet, u, nil, nil)
		}},
		{"put", func(t T, s *suite) {
			need(t, s.caps.SignedPutURL, "SignedPutURL")
			st, ctx := s.fresh(t)
			name := "uploads/new file+1.csv"
			track(t, st, name)
			so := storage.SignOptions{Method: http.MethodPut}
			if s.caps.SignedPutContentType {
				so.ContentType = "text/csv"
			}
			u, err := st.SignedURL(ctx, name, so)
			if err != nil {
				t.Fatalf("SignedURL(PUT): %v", err)
			}
			body := []byte("a,b\n1,2\n")
			code, _, resp := s.fetch(t, http.MethodPut, u, body, http.Header{"Content-Type": {"text/csv"}})
			if code < 200 || code > 299 {
				t.Fatalf("PUT %s: %d %s", u, code, show(resp))
			}
			expectBytes(t, st, name, body)
			if s.caps.Metadata {
				a, err := st.Stat(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if a.ContentType != "text/csv" {
					t.Fatalf("content type after a signed PUT: %q, want text/csv", a.ContentType)
				}
			}
		}},
		{"put-replaces", func(t T, s *suite) {
			need(t, s.caps.SignedPutURL, "SignedPutURL")
			st, ctx := s.fresh(t)
			put(t, st, "replace.bin", []byte("old old old"), storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "replace.bin", storage.SignOptions{Method: http.MethodPut})
			if err != nil {
				t.Fatal(err)
			}
			body := content("replace", 20_000)
			code, _, resp := s.fetch(t, http.MethodPut, u, body, nil)
			if code < 200 || code > 299 {
				t.Fatalf("PUT: %d %s", code, show(resp))
			}
			expectBytes(t, st, "replace.bin", body)
		}},
		{"expired-refused", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			need(t, s.caps.SignTime, "SignTime")
			s.needEnforcedSignatures(t)
			st, ctx := s.fresh(t)
			put(t, st, "soon-gone.txt", []byte("secret"), storage.SaveOptions{})
			// Signed an hour ago for a minute: expired 59 minutes ago,
			// without waiting (the clock seam, storage.WithSignTime).
			u, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), "soon-gone.txt", storage.SignOptions{Expiry: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			s.refused(t, http.MethodGet, u, nil, nil)
			// The same URL signed now is accepted: the refusal is the
			// expiry's, not the seam's.
			u, err = st.SignedURL(storage.WithSignTime(ctx, time.Now()), "soon-gone.txt", storage.SignOptions{Expiry: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			s.get(t, u, []byte("secret"))
		}},
		{"expired-put-refused", func(t T, s *suite) {
			need(t, s.caps.SignedPutURL, "SignedPutURL")
			need(t, s.caps.SignTime, "SignTime")
			s.needEnforcedSignatures(t)
			st, ctx := s.fresh(t)
			u, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), "late.txt", storage.SignOptions{Method: http.MethodPut, Expiry: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			s.refused(t, http.MethodPut, u, []byte("late"), nil)
			expectMissing(t, st, "late.txt")
		}},
		{"sign-time-refused-without-capability", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			if s.caps.SignTime {
				t.Skip("driver declares SignTime (the expired cases test it)")
			}
			st, ctx := s.fresh(t)
			_, err := st.SignedURL(storage.WithSignTime(ctx, time.Now().Add(-time.Hour)), "any.txt", storage.SignOptions{})
			if !errors.Is(err, storage.ErrUnsupported) {
				t.Fatalf("SignedURL under WithSignTime without SignTime = %v, want ErrUnsupported", err)
			}
		}},
		{"tampered-signature-refused", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			s.needEnforcedSignatures(t)
			st, ctx := s.fresh(t)
			put(t, st, "guarded.txt", []byte("secret"), storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "guarded.txt", storage.SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s.get(t, u, []byte("secret"))
			s.refused(t, http.MethodGet, tamperSignature(t, u), nil, nil)
		}},
		{"tampered-name-refused", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			s.needEnforcedSignatures(t)
			st, ctx := s.fresh(t)
			put(t, st, "dir/alpha.txt", []byte("alpha"), storage.SaveOptions{})
			put(t, st, "dir/omega.txt", []byte("omega"), storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "dir/alpha.txt", storage.SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			path, query, _ := strings.Cut(u, "?")
			i := strings.LastIndex(path, "alpha.txt")
			if i < 0 {
				t.Fatalf("signed URL %q does not show the name", u)
			}
			other := path[:i] + "omega.txt" + path[i+len("alpha.txt"):] + "?" + query
			s.refused(t, http.MethodGet, other, nil, nil)
		}},
		{"get-url-refuses-put", func(t T, s *suite) {
			need(t, s.caps.SignedURL, "SignedURL")
			s.needEnforcedSignatures(t)
			st, ctx := s.fresh(t)
			put(t, st, "readonly.txt", []byte("keep me"), storage.SaveOptions{})
			u, err := st.SignedURL(ctx, "readonly.txt", storage.SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s.refused(t, http.MethodPut, u, []byte("overwritten!"), nil)
			expectBytes(t, st, "readonly.txt", []byte("keep me"))
		}},
	}, signedTypeCases()...)
}
