package conformance

import (
	"net/http"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
)

// signedTypeCases check SignOptions.ContentType on signed PUT URLs: a URL
// signed for one content type must refuse an upload of another, and a driver
// that cannot make it so must refuse to sign (ErrUnsupported) rather than
// hand out a URL that stores any type. They run in the "signed" group.
func signedTypeCases() []testCase {
	return []testCase{
		{"put-content-type-enforced", func(t T, s *suite) {
			need(t, s.caps.SignedPutURL, "SignedPutURL")
			st, ctx := s.fresh(t)
			name := "uploads/typed.csv"
			track(t, st, name)
			u, err := st.SignedURL(ctx, name, storage.SignOptions{Method: http.MethodPut, ContentType: "text/csv"})
			if !s.caps.SignedPutContentType {
				expectErr(t, "SignedURL(PUT, ContentType) without SignedPutContentType", err, storage.ErrUnsupported)
				return
			}
			if err != nil {
				t.Fatalf("SignedURL(PUT, ContentType) with SignedPutContentType: %v", err)
			}
			s.needEnforcedSignatures(t)
			html := []byte("<!doctype html><script>alert(1)</script>")
			s.refused(t, http.MethodPut, u, html, http.Header{"Content-Type": {"text/html"}})
			s.refused(t, http.MethodPut, u, html, http.Header{"Content-Type": {"text/csv; charset=utf-8"}})
			s.refused(t, http.MethodPut, u, html, nil)
			expectMissing(t, st, name)
			body := []byte("a,b\n1,2\n")
			code, _, resp := s.fetch(t, http.MethodPut, u, body, http.Header{"Content-Type": {"text/csv"}})
			if code < 200 || code > 299 {
				t.Fatalf("PUT with the signed content type: %d %s", code, show(resp))
			}
			expectBytes(t, st, name, body)
		}},
		{"put-content-type-unsupported-without-capability", func(t T, s *suite) {
			if s.caps.SignedPutContentType {
				t.Skip("driver declares SignedPutContentType")
			}
			st, ctx := s.fresh(t)
			_, err := st.SignedURL(ctx, "x.csv", storage.SignOptions{Method: http.MethodPut, ContentType: "text/csv"})
			expectErr(t, "SignedURL(PUT, ContentType) without SignedPutContentType", err, storage.ErrUnsupported)
			// The capability is also refused when the driver is asked
			// directly: a driver must not sign what it cannot enforce.
			_, err = driverof.Get(st).SignedURL(ctx, "x.csv", storage.SignOptions{Method: http.MethodPut, ContentType: "text/csv", Expiry: storage.DefaultSignExpiry})
			if err == nil {
				t.Fatal("Driver.SignedURL(PUT, ContentType) signed a URL without declaring SignedPutContentType")
			}
		}},
	}
}
