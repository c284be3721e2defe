package staticfiles_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-storages/storage/staticfiles"
	"github.com/go-storages/storage/staticfiles/internal/stbackends"
)

// The handler over every storage: memory, filesystem, MinIO,
// fake-gcs-server and Azurite. Bodies are streamed (no memory cache) so
// every answer reads the backend: whole objects through Open, ranges
// through one ranged read; then cached.
func TestHandlerEveryBackend(t *testing.T) {
	for _, b := range stbackends.All() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			newTree(t, st)
			for _, cache := range []int64{-1, 0} {
				h, err := staticfiles.NewHandler(context.Background(), st, staticfiles.HandlerOptions{Prefix: "/static/", CacheBytes: cache})
				if err != nil {
					t.Fatal(err)
				}
				if h.Len() != 10 {
					t.Errorf("indexed %d files, want 10", h.Len())
				}
				rec := do(h, req{target: "/static/css/app.css", hdr: map[string]string{"Accept-Encoding": "gzip, br, zstd"}})
				checkHeaders(t, rec, 200, map[string]string{"Content-Encoding": "br", "Content-Length": "300", "Vary": "Accept-Encoding",
					"Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=60"})
				if rec.Body.String() != tree["css/app.css.br"] {
					t.Errorf("br body differs")
				}
				etag := rec.Header().Get("Etag")
				if !strings.HasPrefix(etag, `"`) {
					t.Errorf("ETag %q", etag)
				}
				checkHeaders(t, do(h, req{target: "/static/css/app.css", hdr: map[string]string{"Accept-Encoding": "br", "If-None-Match": etag}}), 304, nil)
				rec = do(h, req{target: "/static/css/app.css", hdr: map[string]string{"Range": "bytes=-16"}})
				checkHeaders(t, rec, 206, map[string]string{"Content-Range": "bytes 1008-1023/1024", "Content-Encoding": ""})
				if rec.Body.String() != tree["css/app.css"][1008:] {
					t.Errorf("range body %q", rec.Body)
				}
				rec = do(h, req{target: "/static/css/app.0123456789ab.css", hdr: map[string]string{"Accept-Encoding": "gzip"}})
				checkHeaders(t, rec, 200, map[string]string{"Content-Encoding": "gzip", "Cache-Control": staticfiles.ImmutableCacheControl})
				checkHeaders(t, do(h, req{target: "/static/empty.txt"}), 200, map[string]string{"Content-Length": "0"})
				checkHeaders(t, do(h, req{target: "/static/fonts/f.woff2"}), 200, map[string]string{"Access-Control-Allow-Origin": "*"})
			}
		})
	}
}
