package memory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/memory"
)

// A memory storage behaves like every other: save, read, list, delete.
func ExampleNew() {
	ctx := context.Background()
	st, err := memory.New()
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	for _, name := range []string{"docs/a.txt", "docs/b.txt", "docs/old/c.txt"} {
		if _, err := st.Save(ctx, name, strings.NewReader("hello "+name), storage.SaveOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	for e, err := range st.List(ctx, "docs/", storage.ListOptions{OneLevel: true}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Name, e.IsDir)
	}

	r, err := st.Open(ctx, "docs/a.txt")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	fmt.Printf("%s (%s)\n", b, r.Attributes().ContentType)

	_ = st.Delete(ctx, "docs/a.txt")
	_, err = st.Stat(ctx, "docs/a.txt")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// docs/a.txt false
	// docs/b.txt false
	// docs/old/ true
	// hello docs/a.txt (text/plain; charset=utf-8)
	// true
}

// The default conflict policy never destroys data: saving under a taken name
// stores under a new one, in the same directory and with the same extension.
func ExampleNew_conflictPolicies() {
	ctx := context.Background()
	st, _ := memory.New()
	first, _ := st.Save(ctx, "avatars/me.png", strings.NewReader("v1"), storage.SaveOptions{})
	second, _ := st.Save(ctx, "avatars/me.png", strings.NewReader("v2"), storage.SaveOptions{})
	fmt.Println(first, strings.HasPrefix(second, "avatars/me_"), strings.HasSuffix(second, ".png"))

	_, err := st.Save(ctx, "avatars/me.png", strings.NewReader("v3"), storage.SaveOptions{Conflict: storage.Fail})
	fmt.Println(errors.Is(err, storage.ErrExist))

	name, _ := st.Save(ctx, "avatars/me.png", strings.NewReader("v4"), storage.SaveOptions{Conflict: storage.Overwrite})
	b, _ := fs.ReadFile(st.FS(ctx), name)
	fmt.Println(name, string(b))
	// Output:
	// avatars/me.png true true
	// true
	// avatars/me.png v4
}

// Public URLs point at whatever serves the storage; here an HTTP server over
// its fs view stands in for a CDN.
func ExampleNew_publicURLs() {
	ctx := context.Background()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()

	st, _ := memory.New(storage.WithBaseURL(srv.URL + "/media/"))
	mux.Handle("/media/", http.StripPrefix("/media", http.FileServer(http.FS(st.FS(ctx)))))

	name, _ := st.Save(ctx, "reports/Q3 results+notes.txt", strings.NewReader("up 12%"), storage.SaveOptions{})
	u, _ := st.URL(name)
	fmt.Println(strings.TrimPrefix(u, srv.URL))

	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output:
	// /media/reports/Q3%20results%2Bnotes.txt
	// 200 up 12%
}

// Signed URLs come from a signer such as hmacurl, whose handler serves and
// verifies them: a browser can upload straight to the storage.
func ExampleNew_signedURLs() {
	ctx := context.Background()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()

	sg, _ := hmacurl.New(srv.URL+"/signed/", bytes.Repeat([]byte("secret-key-"), 3))
	st, _ := memory.New(storage.WithSigner(sg))
	mux.Handle("/signed/", sg.Handler(st))

	put, _ := st.SignedURL(ctx, "uploads/photo.jpg", storage.SignOptions{
		Method: http.MethodPut, ContentType: "image/jpeg", Expiry: 10 * time.Minute,
	})
	req, _ := http.NewRequest(http.MethodPut, put, strings.NewReader("JPEG bytes"))
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("upload:", resp.StatusCode)

	a, _ := st.Stat(ctx, "uploads/photo.jpg")
	fmt.Println(a.Size, a.ContentType)
	// Output:
	// upload: 200
	// 10 image/jpeg
}

// In tests, a memory storage replaces a cloud one: the code under test takes
// a *storage.Storage and cannot tell the difference.
func ExampleNew_testDouble() {
	ctx := context.Background()
	archive := func(ctx context.Context, st *storage.Storage, report string) (string, error) {
		return st.Save(ctx, "archive/"+time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).Format("2006-01-02")+".txt",
			strings.NewReader(report), storage.SaveOptions{Conflict: storage.Fail})
	}
	st, _ := memory.New()
	name, err := archive(ctx, st, "all good")
	fmt.Println(name, err)
	_, err = archive(ctx, st, "again")
	fmt.Println(errors.Is(err, storage.ErrExist))
	// Output:
	// archive/2026-01-02.txt <nil>
	// true
}
