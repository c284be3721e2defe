package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-storages/storage/config"
	"github.com/go-storages/storage/internal/emulator"
)

func TestMain(m *testing.M) { emulator.Main(m) }

// backend returns the environment that selects one backend, given the
// service's own URL (for backends whose files the service serves itself).
type backend struct {
	name string
	env  func(t *testing.T, self string) []string
	file string // config file, when the backend is chosen by file
}

func backends() []backend {
	return []backend{
		{name: "filesystem", env: func(t *testing.T, self string) []string {
			return []string{"STORAGE_URL=file://" + t.TempDir() + "?base_url=" + self + "/media/"}
		}},
		{name: "filesystem-config-file", file: "storages.toml", env: func(t *testing.T, self string) []string {
			return []string{"MEDIA_ROOT=" + t.TempDir(), "PUBLIC_URL=" + self}
		}},
		{name: "memory", env: func(t *testing.T, self string) []string {
			return []string{"STORAGE_URL=mem://?base_url=" + self + "/media/"}
		}},
	}
}

// start runs the service over the backend, on an httptest server.
func start(t *testing.T, b backend, maxBytes int64) string {
	var h atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	handler, closeStorages, err := open(ctx, log, config.Options{Path: b.file, Env: b.env(t, srv.URL)}, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStorages() })
	h.Store(handler)
	return srv.URL
}

func upload(t *testing.T, base, field, filename string, body []byte) (int, file) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, filename)
	fw.Write(body)
	mw.Close()
	resp, err := http.Post(base+"/files", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var f file
	json.NewDecoder(resp.Body).Decode(&f)
	return resp.StatusCode, f
}

func get(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b
}

func list(t *testing.T, base string) []file {
	var out []file
	if err := json.Unmarshal(get(t, base+"/files"), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestUploader(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { exercise(t, b) })
	}
}

func exercise(t *testing.T, b backend) {
	base := start(t, b, 64<<10)
	body := []byte("hello from " + b.name)

	code, f := upload(t, base, "file", `..\../My Photo (1).txt`, body)
	if code != http.StatusCreated || f.Name != "uploads/My_Photo_1.txt" || f.Size != int64(len(body)) {
		t.Fatalf("upload: %d %+v", code, f)
	}
	if got := get(t, f.URL); !bytes.Equal(got, body) {
		t.Fatalf("GET %s = %q", f.URL, got)
	}

	code, f2 := upload(t, base, "file", "My Photo (1).txt", []byte("second"))
	if code != http.StatusCreated || f2.Name == f.Name || !strings.HasPrefix(f2.Name, "uploads/My_Photo_1_") {
		t.Fatalf("second upload of the same name: %d %+v", code, f2)
	}
	if got := get(t, f2.URL); string(got) != "second" {
		t.Fatalf("GET %s = %q", f2.URL, got)
	}

	// Too large: refused, and no partial object appears.
	if code, _ := upload(t, base, "file", "big.bin", bytes.Repeat([]byte("x"), 128<<10)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("large upload: %d", code)
	}
	if code, _ := upload(t, base, "other", "a.txt", body); code != http.StatusBadRequest {
		t.Fatalf("no file field: %d", code)
	}
	if code, _ := upload(t, base, "file", "???", body); code != http.StatusBadRequest {
		t.Fatalf("unusable name: %d", code)
	}

	files := list(t, base)
	if len(files) != 2 || files[0].Name > files[1].Name {
		t.Fatalf("list: %+v", files)
	}
	for _, lf := range files {
		if lf.URL == "" {
			t.Fatalf("no URL in list: %+v", lf)
		}
		want := body
		if lf.Name == f2.Name {
			want = []byte("second")
		}
		if got := get(t, lf.URL); !bytes.Equal(got, want) {
			t.Fatalf("GET %s = %q", lf.URL, got)
		}
	}
}

func TestBadConfiguration(t *testing.T) {
	_, _, err := open(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)),
		config.Options{Env: []string{"STORAGE_URL=file:///tmp/x?colour=blue"}}, 1)
	if err == nil || !strings.Contains(err.Error(), `"colour"`) {
		t.Fatalf("err = %v", err)
	}
	_, _, err = open(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), config.Options{Env: []string{}}, 1)
	if err == nil || !strings.Contains(err.Error(), `"default" is required`) {
		t.Fatalf("err = %v", err)
	}
}

// TestUploaderStatusOfStorageErrors: a storage error is answered with the
// status storage.HTTPStatus gives it: a name taken under the Fail policy
// is 409 Conflict, not 500.
func TestUploaderStatusOfStorageErrors(t *testing.T) {
	b := backend{name: "memory-fail", env: func(t *testing.T, self string) []string {
		return []string{"STORAGE_URL=mem://?conflict=fail&base_url=" + self + "/media/"}
	}}
	base := start(t, b, 64<<10)
	if code, _ := upload(t, base, "file", "a.txt", []byte("first")); code != http.StatusCreated {
		t.Fatalf("first upload: %d", code)
	}
	if code, _ := upload(t, base, "file", "a.txt", []byte("second")); code != http.StatusConflict {
		t.Fatalf("upload of a taken name under conflict=fail: %d, want 409", code)
	}
}
