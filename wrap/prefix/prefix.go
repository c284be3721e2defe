// Package prefix is a driver wrapper that keeps every object of a storage
// under a fixed prefix, for example one per tenant over a shared bucket:
//
//	tenant := st.Wrap(prefix.Wrap("tenants/42"))
//
// Names given to and returned by the wrapped storage never show the prefix.
// The prefix is added below the storage, so public URLs built by
// (*storage.Storage).URL do not include it: when public URLs matter, set the
// prefix with storage.WithLocation (or the location URL parameter) instead,
// which does the same and is part of the URL.
package prefix

import (
	"context"
	"io"
	"iter"
	"strings"

	"github.com/go-storages/storage"
)

// Wrap returns a wrapper that stores every object under prefix (slashes
// around it are ignored; "" wraps nothing). An invalid prefix (see
// storage.ValidateName) makes every operation fail with an error matching
// storage.ErrInvalidName.
func Wrap(prefix string) func(storage.Driver) storage.Driver {
	return func(d storage.Driver) storage.Driver { return New(d, prefix) }
}

// New wraps d; see [Wrap].
func New(d storage.Driver, prefix string) *Driver {
	p := strings.Trim(prefix, "/")
	w := &Driver{next: d}
	if p != "" {
		w.err = storage.ValidateName(p)
		w.prefix = p + "/"
	}
	return w
}

// Driver is the wrapping driver.
type Driver struct {
	next   storage.Driver
	prefix string // "" or ends in "/"
	err    error  // invalid prefix
}

// Unwrap returns the wrapped driver.
func (d *Driver) Unwrap() storage.Driver { return d.next }

// Prefix returns the prefix, ending in "/" (or "").
func (d *Driver) Prefix() string { return d.prefix }

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities { return d.next.Capabilities() }

// Write implements storage.Driver.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) (string, error) {
	if d.err != nil {
		return "", d.err
	}
	if opts.OnConflict != nil {
		o := *opts
		inner := opts.OnConflict
		o.OnConflict = func(taken string) (string, error) {
			n, err := inner(strings.TrimPrefix(taken, d.prefix))
			if err != nil {
				return "", err
			}
			return d.prefix + n, nil
		}
		opts = &o
	}
	final, err := d.next.Write(ctx, d.prefix+name, r, opts)
	return strings.TrimPrefix(final, d.prefix), err
}

// Read implements storage.Driver.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	if d.err != nil {
		return nil, nil, d.err
	}
	return d.next.Read(ctx, d.prefix+name, offset, length)
}

// ReadVersion implements storage.VersionReader, passing the version
// condition to the driver under it (see storage.ReadVersion).
func (d *Driver) ReadVersion(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	if d.err != nil {
		return nil, nil, d.err
	}
	return storage.ReadVersion(ctx, d.next, d.prefix+name, etag, offset, length)
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	if d.err != nil {
		return nil, d.err
	}
	return d.next.Stat(ctx, d.prefix+name)
}

// Delete implements storage.Driver.
func (d *Driver) Delete(ctx context.Context, name string) error {
	if d.err != nil {
		return d.err
	}
	return d.next.Delete(ctx, d.prefix+name)
}

// List implements storage.Driver.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		if d.err != nil {
			yield(storage.Entry{}, d.err)
			return
		}
		for e, err := range d.next.List(ctx, d.prefix+prefix, opts) {
			e.Name = strings.TrimPrefix(e.Name, d.prefix)
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// Copy implements storage.Driver.
func (d *Driver) Copy(ctx context.Context, dst, src string) error {
	if d.err != nil {
		return d.err
	}
	return d.next.Copy(ctx, d.prefix+dst, d.prefix+src)
}

// SignedURL implements storage.Driver.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if d.err != nil {
		return "", d.err
	}
	return d.next.SignedURL(ctx, d.prefix+name, opts)
}

// ErrorKind implements storage.Driver.
func (d *Driver) ErrorKind(err error) error { return d.next.ErrorKind(err) }

// Close implements storage.Driver.
func (d *Driver) Close() error { return d.next.Close() }
