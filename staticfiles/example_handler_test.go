package staticfiles_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

// A collected tree (here written by hand: a hashed CSS file, its brotli
// variant and the manifest) served under /static/ in front of an
// application.
func ExampleHandler_Middleware() {
	ctx := context.Background()
	st, _ := memory.New()
	for name, body := range map[string]string{
		"css/app.5d41402abc4b.css":    "body { color: red }",
		"css/app.5d41402abc4b.css.br": "(brotli bytes)",
		staticfiles.ManifestName:      `{"paths": {"css/app.css": "css/app.5d41402abc4b.css"}, "version": "1.0"}`,
	} {
		st.Save(ctx, name, strings.NewReader(body), storage.SaveOptions{})
	}
	h, err := staticfiles.NewHandler(ctx, st, staticfiles.HandlerOptions{Prefix: "/static/"})
	if err != nil {
		panic(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "the application") })
	srv := h.Middleware(app)

	r := httptest.NewRequest("GET", "/static/css/app.5d41402abc4b.css", nil)
	r.Header.Set("Accept-Encoding", "gzip, br")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("Vary"))
	fmt.Println(w.Header().Get("Cache-Control"))

	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/account", nil))
	fmt.Println(w.Body)
	// Output:
	// 200 br Accept-Encoding
	// public, max-age=31536000, immutable
	// the application
}
