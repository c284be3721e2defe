package azure_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
)

// ioCounter counts the driver's Read and Write calls (the bytes of a copy
// streamed through this process) and its exclusive Copy calls.
type ioCounter struct {
	storage.Driver
	io, exclusive atomic.Int64
}

func (c *ioCounter) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	c.io.Add(1)
	return c.Driver.Write(ctx, name, r, o)
}

func (c *ioCounter) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	c.io.Add(1)
	return c.Driver.Read(ctx, name, req)
}

func (c *ioCounter) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	if exclusive {
		c.exclusive.Add(1)
	}
	return c.Driver.Copy(ctx, dst, src, exclusive)
}

// TestCopyExclusiveServerSide: Copy under the Fail and Rename policies runs
// inside Azurite (Copy Blob From URL with If-None-Match: *), reading and
// writing no byte through this process, and a taken destination is ErrExist
// with the destination unchanged.
func TestCopyExclusiveServerSide(t *testing.T) {
	base := newStorage(t, azure.Config{})
	var c *ioCounter
	st := base.Wrap(func(d storage.Driver) storage.Driver { c = &ioCounter{Driver: d}; return c })
	ctx := t.Context()
	for name, body := range map[string]string{"cp/src.txt": "source bytes", "cp/dst.txt": "taken"} {
		if _, err := base.Save(ctx, name, strings.NewReader(body), storage.SaveOptions{
			ContentType: "text/x-src", Metadata: map[string]string{"k": body[:1]}}); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(name, want string) {
		t.Helper()
		r, err := base.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil || string(b) != want {
			t.Fatalf("%s = %q, %v; want %q", name, b, err, want)
		}
	}

	got, err := st.Copy(ctx, "cp/dst.txt", "cp/src.txt", storage.CopyOptions{Conflict: storage.Fail})
	if !errors.Is(err, storage.ErrExist) || got != "" {
		t.Fatalf("Copy(Fail) onto a taken name = %q, %v; want ErrExist", got, err)
	}
	expect("cp/dst.txt", "taken")

	got, err = st.Copy(ctx, "cp/free.txt", "cp/src.txt", storage.CopyOptions{Conflict: storage.Fail})
	if err != nil || got != "cp/free.txt" {
		t.Fatalf("Copy(Fail) to a free name = %q, %v", got, err)
	}
	expect("cp/free.txt", "source bytes")
	if a, err := base.Stat(ctx, "cp/free.txt"); err != nil || a.ContentType != "text/x-src" || a.Metadata["k"] != "s" {
		t.Fatalf("copy's attributes %+v, %v", a, err)
	}

	got, err = st.Copy(ctx, "cp/dst.txt", "cp/src.txt", storage.CopyOptions{Conflict: storage.Rename})
	if err != nil || got == "cp/dst.txt" || !strings.HasPrefix(got, "cp/dst_") || !strings.HasSuffix(got, ".txt") {
		t.Fatalf("Copy(Rename) onto a taken name = %q, %v", got, err)
	}
	expect(got, "source bytes")
	expect("cp/dst.txt", "taken")

	_, err = st.Copy(ctx, "cp/other.txt", "cp/absent.txt", storage.CopyOptions{Conflict: storage.Fail})
	if !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Copy(Fail) of a missing source: %v", err)
	}

	if n := c.io.Load(); n != 0 {
		t.Fatalf("exclusive copies made %d Read/Write calls through this process, want 0 (server-side)", n)
	}
	if n := c.exclusive.Load(); n < 4 {
		t.Fatalf("%d exclusive Copy calls, want at least 4", n)
	}
}
