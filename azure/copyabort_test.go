package azure_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/azure"
	"github.com/go-storages/storage/internal/driverof"
)

// copyStatus is an HTTP transport that reports the copy status it holds
// (when not empty) on every response about a destination blob: Azurite ends
// every copy at once, so a pending, aborted or failed asynchronous copy can
// only be shown to the driver this way.
type copyStatus struct {
	dst    string
	status atomic.Value // string
}

func (c *copyStatus) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if s, _ := c.status.Load().(string); err == nil && s != "" &&
		strings.HasSuffix(req.URL.Path, c.dst) && resp.Header.Get("x-ms-copy-status") != "" {
		resp.Header.Set("x-ms-copy-status", s)
	}
	return resp, err
}

// TestCopyAsyncLeavesNoPartialDestination: an asynchronous copy that is
// cancelled while pending, or that the service reports failed, removes the
// blob the service created at the destination (Azure creates it when the
// copy starts), so no empty or partial object holds the name; a copy that
// succeeds keeps it.
func TestCopyAsyncLeavesNoPartialDestination(t *testing.T) {
	tr := &copyStatus{dst: "/dst.txt"}
	st := newStorage(t, azure.Config{ClientOptions: func() *azblob.ClientOptions {
		o := &azblob.ClientOptions{}
		o.Transport = tr
		return o
	}()})
	d, ok := driverof.Get(st).(*azure.Driver)
	if !ok {
		t.Fatalf("driver %T", driverof.Get(st))
	}
	azure.CopyAsync(d)
	ctx := t.Context()
	if _, err := st.Save(ctx, "src.txt", strings.NewReader("source bytes"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		status string
		cancel bool
	}{{"pending", true}, {"failed", false}, {"aborted", false}} {
		tr.status.Store(c.status)
		cctx, cancel := context.WithCancel(ctx)
		if c.cancel {
			time.AfterFunc(300*time.Millisecond, cancel)
		}
		_, err := st.Copy(cctx, "dst.txt", "src.txt", storage.CopyOptions{Conflict: storage.Fail})
		cancel()
		if err == nil || c.cancel != errors.Is(err, context.Canceled) {
			t.Fatalf("copy reported %s (cancelled %v): %v", c.status, c.cancel, err)
		}
		tr.status.Store("")
		if _, err := st.Stat(ctx, "dst.txt"); !errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("after a copy reported %s, the destination: %v; want ErrNotExist", c.status, err)
		}
	}
	if _, err := st.Copy(ctx, "dst.txt", "src.txt", storage.CopyOptions{Conflict: storage.Fail}); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Stat(ctx, "dst.txt"); err != nil || a.Size != int64(len("source bytes")) {
		t.Fatalf("a successful async copy: %+v, %v", a, err)
	}
}
