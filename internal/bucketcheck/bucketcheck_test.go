package bucketcheck

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/go-storages/storage"
)

type sdkError struct{ code string }

func (e *sdkError) Error() string { return "sdk: " + e.code }

func TestResolve(t *testing.T) {
	ctx := t.Context()
	exists, asked := false, 0
	var checkErr error
	c := New("b", func(context.Context) (bool, error) { asked++; return exists, checkErr })
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	notFound := &fs.PathError{Op: "stat", Path: "x", Err: &sdkError{"NotFound"}}

	// Missing bucket: every call asks (never cached) and is typed.
	for i := 1; i <= 2; i++ {
		err := c.Resolve(ctx, notFound)
		if !errors.Is(err, storage.ErrBucketNotExist) || errors.Is(err, storage.ErrNotExist) {
			t.Fatalf("Resolve with a missing bucket = %v", err)
		}
		var se *sdkError
		if !errors.As(err, &se) {
			t.Fatal("the service's error is not reachable with errors.As")
		}
		if asked != i {
			t.Fatalf("asked %d times after %d calls", asked, i)
		}
	}
	// A wrapped error matching fs.ErrNotExist does not leak through.
	if err := c.Resolve(ctx, fs.ErrNotExist); errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%v matches fs.ErrNotExist", err)
	}

	// Unknown (the check fails): the original error.
	checkErr = errors.New("403")
	if err := c.Resolve(ctx, notFound); err != notFound {
		t.Fatalf("Resolve with a failed check = %v", err)
	}
	checkErr = nil

	// Existing bucket: the original error, and trusted for TTL.
	exists, asked = true, 0
	for range 3 {
		if err := c.Resolve(ctx, notFound); err != notFound {
			t.Fatalf("Resolve with an existing bucket = %v", err)
		}
	}
	if asked != 1 {
		t.Fatalf("asked %d times within the TTL, want 1", asked)
	}
	now = now.Add(TTL)
	c.Resolve(ctx, notFound)
	if asked != 2 || c.Checks() != 6 {
		t.Fatalf("asked %d times after the TTL (checks %d)", asked, c.Checks())
	}
	if c.Resolve(ctx, nil) != nil {
		t.Fatal("Resolve(nil) != nil")
	}
}
