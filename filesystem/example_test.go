package filesystem_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/hmacurl"
)

// Save, list and print public URLs of files on the local filesystem.
func Example_quickstart() {
	dir, err := os.MkdirTemp("", "media")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := filesystem.New(dir, storage.WithBaseURL("https://cdn.example.com/media/"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	for _, name := range []string{"avatars/me.png", "docs/hello world.txt", "docs/a+b.txt"} {
		if _, err := st.Save(ctx, name, strings.NewReader("some bytes"), storage.SaveOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	// The default policy (Rename) never overwrites: saving a taken name
	// stores the object under a new one.
	again, err := st.Save(ctx, "avatars/me.png", strings.NewReader("new bytes"), storage.SaveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("renamed:", again != "avatars/me.png")
	if err := st.Delete(ctx, again); err != nil {
		log.Fatal(err)
	}

	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		u, err := st.URL(e.Name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Name, e.Size, u)
	}
	// Output:
	// renamed: true
	// avatars/me.png 10 https://cdn.example.com/media/avatars/me.png
	// docs/a+b.txt 10 https://cdn.example.com/media/docs/a%2Bb.txt
	// docs/hello world.txt 10 https://cdn.example.com/media/docs/hello%20world.txt
}

// Signed URLs for the filesystem come from an hmacurl signer; its handler,
// mounted where the signer's base URL points, verifies them and serves the
// objects.
func Example_signedURLs() {
	dir, err := os.MkdirTemp("", "media")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // your server
	defer srv.Close()

	key := []byte("a secret key of at least 32 bytes!")
	sg, err := hmacurl.New(srv.URL+"/signed/", key)
	if err != nil {
		log.Fatal(err)
	}
	st, err := filesystem.New(dir, storage.WithSigner(sg))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	mux.Handle("/signed/", sg.Handler(st))

	if _, err := st.Save(ctx, "reports/q3.txt", strings.NewReader("quarterly numbers"), storage.SaveOptions{}); err != nil {
		log.Fatal(err)
	}
	u, err := st.SignedURL(ctx, "reports/q3.txt", storage.SignOptions{Expiry: time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	tampered := strings.Replace(u, "q3", "q4", 1)
	resp, err = http.Get(tampered)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 200 quarterly numbers
	// 403
}

// Metadata and HTTP headers are kept in a sidecar next to the tree.
func ExampleNewWithConfig() {
	dir, err := os.MkdirTemp("", "media")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := filesystem.NewWithConfig(filesystem.Config{Root: dir, Fsync: true, FilePerm: 0o640})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	_, err = st.Save(ctx, "invoice-42", strings.NewReader("%PDF-1.7 ..."), storage.SaveOptions{
		ContentDisposition: `attachment; filename="invoice.pdf"`,
		Metadata:           map[string]string{"customer": "ACME"},
	})
	if err != nil {
		log.Fatal(err)
	}
	a, err := st.Stat(ctx, "invoice-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.ContentType, a.ContentDisposition, a.Metadata["customer"])
	// Output:
	// application/pdf attachment; filename="invoice.pdf" ACME
}

// CleanTemp removes what crashed writes left behind; run it at start-up or
// from a periodic job.
func ExampleDriver_CleanTemp() {
	dir, err := os.MkdirTemp("", "media")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	d, err := filesystem.NewDriver(filesystem.Config{Root: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	n, err := d.CleanTemp(context.Background(), 24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("removed", n)
	// Output:
	// removed 0
}
