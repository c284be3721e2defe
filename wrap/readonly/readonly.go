// Package readonly is a driver wrapper that refuses every change: Save,
// Delete, Copy and signed PUT URLs fail with an error matching
// storage.ErrPermission (and fs.ErrPermission), and nothing reaches the
// backend. Reads, listings, public and signed GET URLs work as before.
//
//	static := st.Wrap(readonly.Wrap)
package readonly

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"

	"github.com/go-storages/storage"
)

// Wrap wraps d; pass it to (*storage.Storage).Wrap.
func Wrap(d storage.Driver) storage.Driver { return &Driver{next: d} }

// Driver is the wrapping driver.
type Driver struct{ next storage.Driver }

// Unwrap returns the wrapped driver.
func (d *Driver) Unwrap() storage.Driver { return d.next }

func refuse(op string) error {
	return fmt.Errorf("%w: %s on a read-only storage", storage.ErrPermission, op)
}

// Capabilities implements storage.Driver: ReadOnly, no signed PUT URLs, no
// public objects.
func (d *Driver) Capabilities() storage.Capabilities {
	c := d.next.Capabilities()
	c.SignedPutURL, c.SignedPutContentType = false, false
	c.PublicObjects = false
	c.ReadOnly = true
	return c
}

// Write implements storage.Driver: it fails without reading r.
func (d *Driver) Write(context.Context, string, io.Reader, *storage.WriteOptions) error {
	return refuse("write")
}

// Read implements storage.Driver.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	return d.next.Read(ctx, name, req)
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	return d.next.Stat(ctx, name)
}

// Delete implements storage.Driver: it fails.
func (d *Driver) Delete(context.Context, string) error { return refuse("delete") }

// List implements storage.Driver.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return d.next.List(ctx, prefix, opts)
}

// Copy implements storage.Driver: it fails (and the portable layer does not
// fall back to streaming, since the error is not ErrUnsupported).
func (d *Driver) Copy(context.Context, string, string, bool) error { return refuse("copy") }

// SignedURL implements storage.Driver: GET only.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if opts.Method != "" && opts.Method != http.MethodGet {
		return "", refuse("signed " + opts.Method + " URL")
	}
	return d.next.SignedURL(ctx, name, opts)
}

// ErrorKind implements storage.Driver.
func (d *Driver) ErrorKind(err error) error { return d.next.ErrorKind(err) }

// ErrorText implements storage.ErrorTexter when the wrapped driver does.
func (d *Driver) ErrorText(err error) string {
	if t, ok := d.next.(storage.ErrorTexter); ok {
		return t.ErrorText(err)
	}
	return ""
}

// Close implements storage.Driver.
func (d *Driver) Close() error { return d.next.Close() }
