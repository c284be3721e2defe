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
	"github.com/go-storages/storage/internal/driverof"
	"github.com/go-storages/storage/internal/objtest"
)

var testKey = bytes.Repeat([]byte("k"), 32)

// newStorage returns a storage over cfg.Root (a fresh temporary directory
// when empty) behind an httptest server: public URLs under /public/ served
// from the storage, signed URLs under /signed/ through hmacurl.
func newStorage(t testing.TB, cfg filesystem.Config, opts ...storage.Option) *storage.Storage {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sg, err := hmacurl.New(srv.URL+"/signed/", testKey)
	if err != nil {
		t.Fatal(err)
	}
	all := append([]storage.Option{storage.WithBaseURL(srv.URL + "/public/"), storage.WithSigner(sg)}, opts...)
	st, err := filesystem.NewWithConfig(cfg, all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mux.Handle("/signed/", sg.Handler(st))
	mux.Handle("/public/", http.StripPrefix("/public/", objtest.Handler(st)))
	return st
}

func rootOf(st *storage.Storage) string {
	return driverof.Get(st).(*filesystem.Driver).Root()
}

func mustSave(t testing.TB, st *storage.Storage, name, body string, opts storage.SaveOptions) string {
	t.Helper()
	got, err := st.Save(context.Background(), name, strings.NewReader(body), opts)
	if err != nil {
		t.Fatalf("save %q: %v", name, err)
	}
	return got
}

func mustRead(t testing.TB, st *storage.Storage, name string) string {
	t.Helper()
	r, err := st.Open(context.Background(), name)
	if err != nil {
		t.Fatalf("open %q: %v", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %q: %v", name, err)
	}
	return string(b)
}

func listNames(t testing.TB, st *storage.Storage, prefix string, oneLevel bool) []string {
	t.Helper()
	var out []string
	for e, err := range st.List(context.Background(), prefix, storage.ListOptions{OneLevel: oneLevel}) {
		if err != nil {
			t.Fatalf("list %q: %v", prefix, err)
		}
		out = append(out, e.Name)
	}
	return out
}

// files returns every path (files and directories) under dir, relative,
// slash-separated, sorted, to check what is really on disk.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
