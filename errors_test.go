package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/memory"
)

func TestErrorMessages(t *testing.T) {
	driverErr := errors.New("backend said no")
	for _, c := range []struct {
		err  *storage.Error
		want string
	}{
		{&storage.Error{Op: "open", Name: "a.txt", Kind: storage.ErrNotExist, Err: driverErr}, `storage: open "a.txt": object does not exist: backend said no`},
		{&storage.Error{Op: "save", Name: "a.txt", Kind: storage.ErrExist}, `storage: save "a.txt": object already exists`},
		{&storage.Error{Op: "save", Name: "a.txt", Kind: storage.ErrExist, Err: storage.ErrExist}, `storage: save "a.txt": object already exists`},
		{&storage.Error{Op: "stat", Name: "a\nb", Err: driverErr}, `storage: stat "a\nb": backend said no`},
		{&storage.Error{Op: "close", Err: driverErr}, `storage: close: backend said no`},
		{&storage.Error{Op: "list"}, `storage: list`},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %s\nwant      %s", got, c.want)
		}
	}
}

func TestErrorLongNameShortened(t *testing.T) {
	err := &storage.Error{Op: "open", Name: strings.Repeat("x", 1000), Kind: storage.ErrNotExist}
	if n := len(err.Error()); n > 300 {
		t.Fatalf("message of %d bytes for a 1000-byte name", n)
	}
}

func TestSentinelsMatchStandardErrors(t *testing.T) {
	for _, c := range []struct{ kind, std error }{
		{storage.ErrNotExist, fs.ErrNotExist},
		{storage.ErrExist, fs.ErrExist},
		{storage.ErrInvalidName, fs.ErrInvalid},
		{storage.ErrPermission, fs.ErrPermission},
		{storage.ErrUnsupported, errors.ErrUnsupported},
		{storage.ErrInvalidArgument, fs.ErrInvalid},
	} {
		wrapped := &storage.Error{Op: "op", Name: "n", Kind: c.kind}
		if !errors.Is(wrapped, c.kind) || !errors.Is(wrapped, c.std) {
			t.Errorf("%v: errors.Is with the kind %v, with %v: %v", wrapped, errors.Is(wrapped, c.kind), c.std, errors.Is(wrapped, c.std))
		}
		if !strings.HasPrefix(c.kind.Error(), "storage: ") {
			t.Errorf("sentinel message %q", c.kind)
		}
	}
	if errors.Is(storage.ErrChecksum, fs.ErrInvalid) || errors.Is(storage.ErrChecksum, fs.ErrNotExist) {
		t.Error("ErrChecksum matches an fs error")
	}
	// A missing bucket is a configuration error, never a missing object.
	bucket := &storage.Error{Op: "stat", Name: "n", Kind: storage.ErrBucketNotExist}
	for _, std := range []error{fs.ErrNotExist, storage.ErrNotExist, fs.ErrInvalid, fs.ErrPermission, fs.ErrExist} {
		if errors.Is(bucket, std) {
			t.Errorf("ErrBucketNotExist matches %v", std)
		}
	}
	if !errors.Is(bucket, storage.ErrBucketNotExist) || !strings.HasPrefix(storage.ErrBucketNotExist.Error(), "storage: ") {
		t.Errorf("ErrBucketNotExist: %v", bucket)
	}
}

func TestErrorReachesDriverError(t *testing.T) {
	pe := &fs.PathError{Op: "open", Path: "/root/a.txt", Err: fs.ErrNotExist}
	err := error(&storage.Error{Op: "open", Name: "a.txt", Kind: storage.ErrNotExist, Err: pe})
	err = fmt.Errorf("handler: %w", err)
	var got *fs.PathError
	if !errors.As(err, &got) || got != pe {
		t.Fatal("errors.As does not reach the driver's *fs.PathError")
	}
	var se *storage.Error
	if !errors.As(err, &se) || se.Op != "open" || se.Name != "a.txt" {
		t.Fatalf("errors.As(*storage.Error) = %+v", se)
	}
}

func TestKindOf(t *testing.T) {
	for _, k := range []error{storage.ErrNotExist, storage.ErrExist, storage.ErrInvalidName, storage.ErrPermission,
		storage.ErrUnsupported, storage.ErrChecksum, storage.ErrInvalidArgument, storage.ErrBucketNotExist} {
		if got := storage.KindOf(fmt.Errorf("wrapped: %w", &storage.Error{Op: "x", Kind: k})); got != k {
			t.Errorf("KindOf(%v) = %v", k, got)
		}
		if got := storage.KindOf(fmt.Errorf("plain: %w", k)); got != k {
			t.Errorf("KindOf(wrapped %v) = %v", k, got)
		}
	}
	if got := storage.KindOf(errors.New("other")); got != nil {
		t.Errorf("KindOf(other) = %v", got)
	}
	if got := storage.KindOf(nil); got != nil {
		t.Errorf("KindOf(nil) = %v", got)
	}
}

// errQuota is a driver's own error type, mapped by its ErrorKind.
type errQuota struct{ bucket string }

func (e *errQuota) Error() string { return "quota exceeded on " + e.bucket }

// quotaDriver is the memory driver with a Stat that fails with the driver's
// own error and an ErrorKind that classifies it.
type quotaDriver struct {
	*memory.Driver
	asked int
}

func (d *quotaDriver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, &errQuota{"media"}
}

func (d *quotaDriver) ErrorKind(err error) error {
	d.asked++
	var q *errQuota
	if errors.As(err, &q) {
		return storage.ErrPermission
	}
	return nil
}

func TestDriverErrorKindMapping(t *testing.T) {
	d := &quotaDriver{Driver: memory.NewDriver()}
	st, err := storage.New(d)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Stat(t.Context(), "a.txt")
	if !errors.Is(err, storage.ErrPermission) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Stat: %v, want ErrPermission from the driver's ErrorKind", err)
	}
	var q *errQuota
	if !errors.As(err, &q) || q.bucket != "media" {
		t.Fatalf("the driver's error is not reachable: %v", err)
	}
	if want := `storage: stat "a.txt": permission denied: quota exceeded on media`; err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
	// Errors that already carry a kind are not classified again.
	d.asked = 0
	if _, err := st.Open(t.Context(), "missing"); !errors.Is(err, storage.ErrNotExist) || d.asked != 0 {
		t.Fatalf("Open(missing): %v, ErrorKind asked %d times", err, d.asked)
	}
	// Exists reports the error under its own op.
	_, err = st.Exists(t.Context(), "a.txt")
	var se *storage.Error
	if !errors.As(err, &se) || se.Op != "exists" || !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("Exists: %v", err)
	}
}

// TestErrorReadsOnce walks every sentinel through the ways a driver's error
// carries it (wrapping the sentinel with %w, a custom error matching it, an
// operating-system error saying the same, an *Error of another op) and
// checks the message says the kind once and "storage: " only at its start,
// while errors.Is (the sentinel and its io/fs error) and errors.As (the
// driver's error) keep working.
func TestErrorReadsOnce(t *testing.T) {
	sentinels := []error{storage.ErrNotExist, storage.ErrExist, storage.ErrInvalidName, storage.ErrPermission,
		storage.ErrUnsupported, storage.ErrChecksum, storage.ErrInvalidArgument, storage.ErrChanged, storage.ErrBucketNotExist}
	std := map[error]error{storage.ErrNotExist: fs.ErrNotExist, storage.ErrExist: fs.ErrExist, storage.ErrInvalidName: fs.ErrInvalid,
		storage.ErrPermission: fs.ErrPermission, storage.ErrUnsupported: errors.ErrUnsupported, storage.ErrInvalidArgument: fs.ErrInvalid}
	for _, k := range sentinels {
		text := strings.TrimPrefix(k.Error(), "storage: ")
		sdk := &errQuota{"media"}
		for _, c := range []struct {
			name string
			err  error
			want string
		}{
			{"kind only", &storage.Error{Op: "stat", Name: "a", Kind: k}, `storage: stat "a": ` + text},
			{"driver error", &storage.Error{Op: "stat", Name: "a", Kind: k, Err: sdk}, `storage: stat "a": ` + text + ": quota exceeded on media"},
			{"wraps the sentinel", &storage.Error{Op: "save", Name: "a", Kind: k, Err: fmt.Errorf("%w: s3: detail: %w", k, sdk)},
				`storage: save "a": ` + text + ": s3: detail: quota exceeded on media"},
			{"says it already", &storage.Error{Op: "open", Name: "a", Kind: k, Err: &fs.PathError{Op: "open", Path: "/x/a", Err: errors.New(text)}},
				`storage: open "a": open /x/a: ` + text},
			{"nested op", &storage.Error{Op: "exists", Name: "a", Kind: k, Err: fmt.Errorf("checking: %w", &storage.Error{Op: "stat", Name: "a", Kind: k, Err: sdk})},
				`storage: exists "a": checking: ` + text + ": quota exceeded on media"},
		} {
			msg := c.err.Error()
			if msg != c.want {
				t.Errorf("%v, %s:\n got %s\nwant %s", k, c.name, msg, c.want)
			}
			if strings.Count(msg, text) != 1 || strings.Count(msg, "storage: ") != 1 {
				t.Errorf("%v, %s: message does not read once: %s", k, c.name, msg)
			}
			if !errors.Is(c.err, k) || storage.KindOf(c.err) != k {
				t.Errorf("%v, %s: errors.Is %v, KindOf %v", k, c.name, errors.Is(c.err, k), storage.KindOf(c.err))
			}
			if s, ok := std[k]; ok && !errors.Is(c.err, s) {
				t.Errorf("%v, %s: does not match %v", k, c.name, s)
			}
			var q *errQuota
			if c.name != "kind only" && c.name != "says it already" && !errors.As(c.err, &q) {
				t.Errorf("%v, %s: the driver's error is not reachable", k, c.name)
			}
		}
	}
}

// textDriver is quotaDriver with a short text for its errors.
type textDriver struct{ *quotaDriver }

func (d textDriver) ErrorText(err error) string {
	var q *errQuota
	if errors.As(err, &q) {
		return "quota"
	}
	return ""
}

func TestErrorTexter(t *testing.T) {
	st, err := storage.New(textDriver{&quotaDriver{Driver: memory.NewDriver()}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Stat(t.Context(), "a.txt")
	if want := `storage: stat "a.txt": permission denied: quota`; err == nil || err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
	var q *errQuota
	if !errors.As(err, &q) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("the driver's error or the kind is lost: %v", err)
	}
}

// A context cancelled with a cause reports that cause, whichever layer
// noticed the cancellation first (the portable layer's check, a driver
// between chunks, or the caller's input), and still matches
// context.Canceled (the CLI's "interrupt signal received" hung on which
// of them won the race).
func TestContextCauseReported(t *testing.T) {
	cause := errors.New("shutting down")
	for _, drv := range []string{"memory", "filesystem"} {
		t.Run(drv, func(t *testing.T) {
			st := newTestStorage(t, drv)
			check := func(what string, err error) {
				t.Helper()
				if err == nil || !errors.Is(err, cause) || !strings.Contains(err.Error(), "shutting down") || !errors.Is(err, context.Canceled) && !strings.HasPrefix(what, "input") {
					t.Errorf("%s: %v: want context.Canceled with the cause", what, err)
				}
				if strings.Count(err.Error(), "shutting down") > 1 {
					t.Errorf("%s: %v: the cause said more than once", what, err)
				}
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(cause)
			_, err := st.Save(ctx, "a.txt", strings.NewReader("x"), storage.SaveOptions{})
			check("save, cancelled before", err)
			_, err = st.Open(ctx, "a.txt")
			check("open", err)
			for _, err := range st.List(ctx, "", storage.ListOptions{}) {
				check("list", err)
				break
			}

			// Cancelled while the driver copies: the input goes on giving
			// bytes, so the driver (not the input) sees the cancellation.
			ctx, cancel = context.WithCancelCause(context.Background())
			in := &cancelAfter{n: 3 << 20, cancel: func() { cancel(cause) }}
			_, err = st.Save(ctx, "b.txt", in, storage.SaveOptions{})
			check("save, cancelled during", err)
			if _, serr := st.Stat(context.Background(), "b.txt"); !errors.Is(serr, fs.ErrNotExist) {
				t.Errorf("b.txt after the cancelled save: %v, want not found", serr)
			}

			// The input itself fails with the cause (which does not wrap
			// context.Canceled): said once.
			ctx, cancel = context.WithCancelCause(context.Background())
			_, err = st.Save(ctx, "c.txt", readerFunc(func([]byte) (int, error) {
				cancel(cause)
				return 0, context.Cause(ctx)
			}), storage.SaveOptions{})
			check("input failed with the cause", err)
		})
	}
}

// cancelAfter yields zero bytes forever, calling cancel once n were read.
type cancelAfter struct {
	n, read int
	cancel  func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.read >= c.n && c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	if c.read > 4*c.n {
		return 0, fmt.Errorf("read past the cancellation: the driver never checked its context")
	}
	clear(p)
	c.read += len(p)
	return len(p), nil
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func newTestStorage(t *testing.T, drv string) *storage.Storage {
	t.Helper()
	var st *storage.Storage
	var err error
	switch drv {
	case "memory":
		st, err = memory.New()
	case "filesystem":
		st, err = filesystem.New(t.TempDir())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fsErrDriver answers Stat with an operating-system error and maps nothing
// itself: the portable layer maps the io/fs errors for every driver.
type fsErrDriver struct {
	*memory.Driver
	err error
}

func (d *fsErrDriver) Stat(context.Context, string) (*storage.Attributes, error) {
	return nil, d.err
}

func (d *fsErrDriver) ErrorKind(error) error { return nil }

func TestFSErrorsMappedForEveryDriver(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error
	}{
		{&fs.PathError{Op: "open", Path: "/srv/a.txt", Err: syscall.ENOENT}, storage.ErrNotExist},
		{&fs.PathError{Op: "open", Path: "/srv/a.txt", Err: syscall.EACCES}, storage.ErrPermission},
		{fmt.Errorf("sftp: %w", fs.ErrExist), storage.ErrExist},
		{errors.New("something else"), nil},
	} {
		d := &fsErrDriver{Driver: memory.NewDriver(), err: c.err}
		st, err := storage.New(d)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Stat(t.Context(), "a.txt")
		var se *storage.Error
		if !errors.As(err, &se) {
			t.Fatalf("%v: Stat gave %v, want a *storage.Error", c.err, err)
		}
		if se.Kind != c.want || !errors.Is(err, c.err) {
			t.Errorf("%v: Stat gave %v (kind %v), want kind %v with the driver's error reachable", c.err, err, se.Kind, c.want)
		}
		if got := storage.DriverKind(d, c.err); got != c.want {
			t.Errorf("DriverKind(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
