package storage_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// hanging is a driver whose calls wait for their context to end, as a
// request to a service that never answers.
type hanging struct{ storage.Driver }

func (hanging) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (hanging) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

func (hanging) Delete(ctx context.Context, name string) error {
	<-ctx.Done()
	return ctx.Err()
}

func (hanging) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestWithTimeout(t *testing.T) {
	st, err := storage.New(hanging{memory.NewDriver()}, storage.WithTimeout(30*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background() // no deadline of its own
	calls := map[string]func() error{
		"stat":   func() error { _, err := st.Stat(ctx, "a"); return err },
		"exists": func() error { _, err := st.Exists(ctx, "a"); return err },
		"open":   func() error { _, err := st.Open(ctx, "a"); return err },
		"delete": func() error { return st.Delete(ctx, "a") },
		"save":   func() error { _, err := st.Save(ctx, "a", strings.NewReader("x"), storage.SaveOptions{}); return err },
	}
	for name, call := range calls {
		err := call()
		var se *storage.Error
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se) {
			t.Errorf("%s past the timeout: %v, want a *storage.Error matching context.DeadlineExceeded", name, err)
		}
	}
	if _, err := storage.New(memory.NewDriver(), storage.WithTimeout(-1)); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Fatalf("negative timeout: %v", err)
	}
}

// The timeout bounds the opening, not the reading of a Reader. The test
// runs in a synctest bubble: its clock is fake, so the sleep past the
// timeout takes no time and cannot race the timer.
func TestTimeoutSparesReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		ok, _ := memory.New(storage.WithTimeout(time.Second))
		if _, err := ok.Save(ctx, "b", strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		r, err := ok.Open(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		time.Sleep(1200 * time.Millisecond) // past the timeout, on the bubble's clock
		synctest.Wait()
		if b, err := io.ReadAll(r); err != nil || string(b) != "hello" {
			t.Fatalf("reading after the timeout's span: %q, %v", b, err)
		}
	})
}
