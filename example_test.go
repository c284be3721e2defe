package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

func Example() {
	ctx := context.Background()
	st, err := memory.New(storage.WithBaseURL("https://cdn.example.com/media/"))
	if err != nil {
		panic(err)
	}
	name, err := st.Save(ctx, "avatars/me.png", strings.NewReader("\x89PNG..."), storage.SaveOptions{ContentType: "image/png"})
	if err != nil {
		panic(err)
	}
	// The default Rename policy never replaces an existing object.
	again, _ := st.Save(ctx, "avatars/me.png", strings.NewReader("other"), storage.SaveOptions{})
	fmt.Println(name, again != name)

	f, err := st.Open(ctx, name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	fmt.Println(len(b), f.Attributes().ContentType)

	u, _ := st.URL(name)
	fmt.Println(u)

	_, err = st.Open(ctx, "missing.txt")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// avatars/me.png true
	// 7 image/png
	// https://cdn.example.com/media/avatars/me.png
	// true
}

func ExampleStorage_List() {
	ctx := context.Background()
	st, _ := memory.New()
	for _, n := range []string{"b/2.txt", "a.txt", "b/1.txt", "b/c/3.txt"} {
		_, _ = st.Save(ctx, n, strings.NewReader(n), storage.SaveOptions{})
	}
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Name)
	}
	for e, err := range st.List(ctx, "b/", storage.ListOptions{OneLevel: true}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Name, e.IsDir)
	}
	// Output:
	// a.txt
	// b/1.txt
	// b/2.txt
	// b/c/3.txt
	// b/1.txt false
	// b/2.txt false
	// b/c/ true
}

func ExampleStorage_URL() {
	st, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/"), storage.WithLocation("media"))
	u, _ := st.URL("docs/Q&A #1 + notes?.pdf")
	fmt.Println(u)
	// Output: https://cdn.example.com/media/docs/Q%26A%20%231%20%2B%20notes%3F.pdf
}

func ExampleStorage_FS() {
	ctx := context.Background()
	st, _ := memory.New()
	_, _ = st.Save(ctx, "site/index.html", strings.NewReader("<h1>hi</h1>"), storage.SaveOptions{})
	srv := httptest.NewServer(http.FileServer(http.FS(st.FS(ctx))))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/site/")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Header.Get("Content-Type"), string(b))
	// Output: text/html; charset=utf-8 <h1>hi</h1>
}

func ExampleSafeName() {
	n, _ := storage.SafeName(`C:\Users\me\My Résumé (final).pdf`)
	fmt.Println(n)
	_, err := storage.SafeName("../..")
	fmt.Println(errors.Is(err, storage.ErrInvalidName))
	// Output:
	// My_Résumé_final.pdf
	// true
}

func ExampleValidateName() {
	for _, n := range []string{"ok/name.txt", "../etc/passwd", "/abs", "a\x00b", "a//b"} {
		fmt.Println(errors.Is(storage.ValidateName(n), storage.ErrInvalidName))
	}
	// Output:
	// false
	// true
	// true
	// true
	// true
}

func ExampleWithConflictPolicy() {
	ctx := context.Background()
	st, _ := memory.New(storage.WithConflictPolicy(storage.Fail))
	_, _ = st.Save(ctx, "a.txt", strings.NewReader("1"), storage.SaveOptions{})
	_, err := st.Save(ctx, "a.txt", strings.NewReader("2"), storage.SaveOptions{})
	fmt.Println(errors.Is(err, storage.ErrExist), errors.Is(err, fs.ErrExist))
	n, _ := st.Save(ctx, "a.txt", strings.NewReader("3"), storage.SaveOptions{Conflict: storage.Overwrite})
	fmt.Println(n)
	// Output:
	// true true
	// a.txt
}
