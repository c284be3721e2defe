package filesystem_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/internal/urltest"
)

func TestOpenFileURL(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "media")
	st, err := storage.Open(ctx, "file://"+dir+"?fsync=true&dir_file_mode=0750&file_perm=0600&create_dir=1&base_url=https://cdn.example.com/&location=up&sidecars=true")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a/b.txt", strings.NewReader("hi"), storage.SaveOptions{Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".storage-meta", "up", "a", "b.txt", ".storage-meta.json")); err != nil {
		t.Errorf("sidecars=true wrote no sidecar: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, "up", "a", "b.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&^0o600 != 0 {
		t.Errorf("file mode %v, want at most 0600", fi.Mode())
	}
	if di, _ := os.Stat(filepath.Join(dir, "up", "a")); di.Mode().Perm()&^0o750 != 0 {
		t.Errorf("dir mode %v, want at most 0750", di.Mode())
	}
	if u, _ := st.URL("a/b.txt"); u != "https://cdn.example.com/up/a/b.txt" {
		t.Errorf("URL %q", u)
	}
}

func TestOpenFileURLSigned(t *testing.T) {
	ctx := context.Background()
	key := bytes.Repeat([]byte("k"), 32)
	keyPath := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyPath, key, 0o600)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	st, err := storage.Open(ctx, "file://"+t.TempDir()+"?secret_key_path="+keyPath+"&sign_base_url="+srv.URL+"/signed/")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sg, _ := hmacurl.New(srv.URL+"/signed/", key) // the same key and base: the same signer
	mux.Handle("/signed/", sg.Handler(st))
	st.Save(ctx, "a.txt", strings.NewReader("secret bytes"), storage.SaveOptions{})
	u, err := st.SignedURL(ctx, "a.txt", storage.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "secret bytes" {
		t.Fatalf("GET signed: %d %q", resp.StatusCode, b)
	}
}

func TestOpenFileURLErrors(t *testing.T) {
	urltest.Params(t, "file:///x", filesystem.Config{})
	urltest.Together(t, "file:///x", "secret_key_path", "sign_base_url")
	urltest.Unknown(t, "file:///x", "region")
	urltest.Errors(t, map[string]string{
		"file://host/x":                    "host",
		"file://":                          "no directory",
		"file:///x?file_perm=0":            `"file_perm"`,
		"file:///x?metadata=skip":          `"metadata"`,
		"file:///x?sign_base_url=relative": `"sign_base_url"`,
	})
}

func TestOpenFileURLRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	st, err := storage.Open(context.Background(), "file:media")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Save(context.Background(), "x.txt", strings.NewReader("x"), storage.SaveOptions{})
	if _, err := os.Stat(filepath.Join("media", "x.txt")); err != nil {
		t.Fatal(err)
	}
}
