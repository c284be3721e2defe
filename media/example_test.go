package media_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/media"
	"github.com/go-storages/storage/memory"
)

// An uploaded HTML file downloads instead of running in the site's origin.
func ExampleNewHandler() {
	ctx := context.Background()
	st, _ := memory.New()
	media.Save(ctx, st, "uploads/page.html", strings.NewReader("<script>alert(1)</script>"), storage.SaveOptions{})

	h, _ := media.NewHandler(st, media.Options{
		Prefix: "/media/",
		Authorize: func(r *http.Request, name string) media.Access {
			if strings.HasPrefix(name, "private/") {
				return media.Private // a redirect to a signed URL
			}
			return media.Public
		},
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/media/uploads/page.html", nil))
	fmt.Println(w.Code, w.Header().Get("Content-Disposition"))
	fmt.Println(w.Header().Get("Content-Security-Policy"), w.Header().Get("X-Content-Type-Options"))
	// Output:
	// 200 attachment; filename=page.html
	// sandbox nosniff
}
