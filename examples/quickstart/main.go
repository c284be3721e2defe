// Command quickstart is the README's first command: it runs go-storages on
// the local filesystem, with no cloud account. It saves a few files (one
// under a name that is already taken, to show the Rename policy), lists them,
// serves them over HTTP (public URLs through the storage's io/fs view, signed
// URLs through hmacurl), prints every URL and fetches each one back.
//
//	go run ./examples/quickstart            # in a temporary directory, then exit
//	go run ./examples/quickstart -dir media -serve   # keep serving ./media
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/hmacurl"
)

func main() {
	dir := flag.String("dir", "", "directory to store files in (default: a new temporary directory)")
	serve := flag.Bool("serve", false, "keep serving after the demo")
	flag.Parse()
	if err := run(*dir, *serve); err != nil {
		log.Fatal(err)
	}
}

func run(dir string, serve bool) error {
	ctx := context.Background()
	if dir == "" {
		tmp, err := os.MkdirTemp("", "go-storages-quickstart-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()

	key := make([]byte, 32)
	_, _ = rand.Read(key)
	signer, err := hmacurl.New(base+"/signed/", key)
	if err != nil {
		return err
	}
	st, err := filesystem.New(dir, storage.WithBaseURL(base+"/media/"), storage.WithSigner(signer))
	if err != nil {
		return err
	}
	defer st.Close()

	mux := http.NewServeMux()
	mux.Handle("/media/", http.StripPrefix("/media/", http.FileServer(http.FS(st.FS(ctx)))))
	mux.Handle("/signed/", signer.Handler(st))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fmt.Printf("storing in %s, serving on %s\n\n", dir, base)
	files := map[string]string{
		"hello.txt":                "Hello, storage!\n",
		"avatars/me.png":           "\x89PNG\r\n\x1a\n(not really a picture)",
		"docs/Q&A #1 + notes?.txt": "names with spaces, +, &, # and ? survive the round trip\n",
		"docs/日本語/ファイル.txt":        "unicode too\n",
	}
	for _, name := range []string{"hello.txt", "avatars/me.png", "docs/Q&A #1 + notes?.txt", "docs/日本語/ファイル.txt", "hello.txt"} {
		saved, err := st.Save(ctx, name, strings.NewReader(files[name]), storage.SaveOptions{})
		if err != nil {
			return err
		}
		note := ""
		if saved != name {
			note = "   (name taken: Rename policy kept the old file)"
		}
		fmt.Printf("saved  %-28s -> %s%s\n", name, saved, note)
	}

	fmt.Println("\nlisting:")
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			return err
		}
		u, err := st.URL(e.Name)
		if err != nil {
			return err
		}
		body, err := fetch(u)
		if err != nil {
			return err
		}
		fmt.Printf("  %-28s %3d bytes  %s  (fetched %d bytes)\n", e.Name, e.Size, u, len(body))
	}

	signed, err := st.SignedURL(ctx, "hello.txt", storage.SignOptions{Expiry: 10 * time.Minute})
	if err != nil {
		return err
	}
	body, err := fetch(signed)
	if err != nil {
		return err
	}
	fmt.Printf("\nsigned URL (10 min): %s\n  -> %q\n", signed, body)

	if serve {
		fmt.Println("\nserving; press Ctrl-C to stop")
		select {}
	}
	return nil
}

func fetch(u string) (string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), err
}
