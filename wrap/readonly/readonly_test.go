package readonly_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/hmacurl"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/wrap/readonly"
)

// countingReader fails the test if a refused write reads its body.
type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) { c.n++; return 0, io.EOF }

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	base, _ := memory.New()
	base.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{})
	st := base.Wrap(readonly.Wrap)

	r := &countingReader{}
	if _, err := st.Save(ctx, "b.txt", r, storage.SaveOptions{ContentType: "text/plain"}); !errors.Is(err, storage.ErrPermission) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("save: %v", err)
	}
	if r.n != 0 {
		t.Fatalf("refused save read the body")
	}
	if err := st.Delete(ctx, "a.txt"); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("delete: %v", err)
	}
	if _, err := st.Copy(ctx, "c.txt", "a.txt", storage.CopyOptions{Conflict: storage.Overwrite}); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("copy: %v", err)
	}
	if ok, _ := base.Exists(ctx, "c.txt"); ok {
		t.Fatal("copy went through")
	}
	if _, err := st.SignedURL(ctx, "a.txt", storage.SignOptions{Method: "PUT"}); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("signed PUT: %v", err)
	}
	if st.Capabilities().SignedPutURL {
		t.Fatal("SignedPutURL declared")
	}
	b, err := fs.ReadFile(st.FS(ctx), "a.txt")
	if err != nil || string(b) != "hello" {
		t.Fatalf("read: %q, %v", b, err)
	}
	if ok, err := st.Exists(ctx, "a.txt"); !ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	n := 0
	for _, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("listed %d", n)
	}
}

func Example() {
	ctx := context.Background()
	st, _ := memory.New()
	st.Save(ctx, "logo.svg", strings.NewReader("<svg/>"), storage.SaveOptions{})
	static := st.Wrap(readonly.Wrap)
	_, err := static.Save(ctx, "logo.svg", strings.NewReader("defaced"), storage.SaveOptions{Conflict: storage.Overwrite})
	fmt.Println(errors.Is(err, fs.ErrPermission))
	// Output: true
}

// A signer given with storage.WithSigner cannot hand out signed PUT URLs
// for a read-only storage: the wrapper sees the call and refuses it.
func TestSignerRespectsReadOnly(t *testing.T) {
	ctx := context.Background()
	sg, err := hmacurl.New("https://files.example.com/signed/", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := memory.New(storage.WithSigner(sg))
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Capabilities(); !c.SignedURL || !c.SignedPutURL || !c.SignedPutContentType || c.ReadOnly {
		t.Fatalf("memory with a signer: %+v", c)
	}
	// Wrapped after the signer was given, and given a signer over a
	// read-only driver: the same capabilities either way.
	ro2, err := storage.New(readonly.Wrap(memory.NewDriver()), storage.WithSigner(sg))
	if err != nil {
		t.Fatal(err)
	}
	for i, ro := range []*storage.Storage{st.Wrap(readonly.Wrap), ro2} {
		c := ro.Capabilities()
		if !c.ReadOnly || !c.SignedURL || c.SignedPutURL || c.SignedPutContentType {
			t.Fatalf("%d: read-only storage with a signer claims %+v, want ReadOnly and signed GET only", i, c)
		}
		if _, err := ro.SignedURL(ctx, "a.txt", storage.SignOptions{Method: http.MethodPut}); !errors.Is(err, storage.ErrPermission) {
			t.Fatalf("%d: signed PUT on a read-only storage: %v, want ErrPermission", i, err)
		}
		if _, err := ro.SignedURL(ctx, "a.txt", storage.SignOptions{}); err != nil {
			t.Fatalf("%d: signed GET on a read-only storage: %v", i, err)
		}
	}
}
