package gocloud

import (
	"context"
	"fmt"
	"io"

	"gocloud.dev/blob"

	"github.com/go-storages/storage"
)

// Write implements storage.Driver. The body streams into a blob.Writer whose
// context is cancelled before Close when anything fails, which makes every
// gocloud.dev driver abort the upload: nothing becomes visible. An
// exclusive write uses blob.WriterOptions.IfNotExist where the driver
// honours it, and checks for the name first otherwise (not atomic: such a
// bucket declares no ConditionalCreate).
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	if opts.Public {
		return fmt.Errorf("%w: gocloud.dev has no public objects", storage.ErrUnsupported)
	}
	wo := &blob.WriterOptions{
		ContentType:        opts.ContentType,
		CacheControl:       opts.CacheControl,
		ContentDisposition: opts.ContentDisposition,
		ContentEncoding:    opts.ContentEncoding,
		ContentLanguage:    opts.ContentLanguage,
		Metadata:           opts.Metadata,
	}
	so, err := storage.OptionsFor[*SaveOptions]("gocloud", opts.DriverOptions)
	if err != nil {
		return err
	}
	if so != nil {
		wo.BufferSize, wo.MaxConcurrency, wo.BeforeWrite = so.BufferSize, so.MaxConcurrency, so.BeforeWrite
	}
	if opts.Exclusive && d.ifNotExist {
		wo.IfNotExist = true
	} else if opts.Exclusive {
		taken, err := d.b.Exists(ctx, name)
		if err != nil {
			return d.notFound(ctx, err)
		}
		if taken {
			return storage.ErrExist
		}
	}
	return d.notFound(ctx, d.upload(ctx, name, r, wo, opts.BeforeCommit))
}

// upload streams r to name; before (if set) runs after r is exhausted and
// before the commit.
func (d *Driver) upload(ctx context.Context, name string, r io.Reader, wo *blob.WriterOptions, before func() error) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if d.cfg.Scheme == "azblob" {
		return d.uploadFromReader(wctx, cancel, name, r, wo, before)
	}
	w, err := d.b.NewWriter(wctx, name, wo)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, &ctxReader{ctx: ctx, r: r})
	if err == nil && before != nil {
		err = before()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		cancel() // aborts the upload
		_ = w.Close()
		return err
	}
	if wo.IfNotExist {
		// Some drivers (fileblob) check and commit without a lock of their
		// own: make the check and the commit one step among this Driver's
		// writers at least.
		mu := &d.commitLocks[fnv32a(name)%uint32(len(d.commitLocks))]
		mu.Lock()
		defer mu.Unlock()
	}
	return w.Close()
}

// uploadFromReader commits through blob.Bucket.Upload, where the driver
// reads r itself. azureblob (gocloud.dev v0.47) needs it: when an upload
// fails after blob.Writer.Write (a refused key, a missing container, an
// error that outlasts the retries), its Writer.Close dereferences the pipe
// its upload goroutine has set to nil, and the process panics; the
// Uploader path has no pipe. before runs when r reaches its end and fails
// the upload (nothing is committed) when it returns an error.
func (d *Driver) uploadFromReader(ctx context.Context, cancel context.CancelFunc, name string, r io.Reader, wo *blob.WriterOptions, before func() error) error {
	o := *wo
	if o.ContentType == "" {
		o.ContentType = "application/octet-stream" // Upload requires one; Storage always sets it
	}
	gate := &commitGate{ctx: ctx, r: r, before: before, cancel: cancel}
	err := d.b.Upload(ctx, name, gate, &o)
	if gate.err != nil {
		return gate.err
	}
	return err
}

// commitGate reads r for an upload and, at its end, runs before; an error
// from either (or ctx ending) is kept and cancels the upload, so nothing is
// committed.
type commitGate struct {
	ctx    context.Context
	r      io.Reader
	before func() error
	cancel context.CancelFunc
	err    error
}

func (g *commitGate) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := g.r.Read(p)
	if err == io.EOF && g.before != nil {
		if berr := g.before(); berr != nil {
			err = berr
		}
		g.before = nil
	}
	if err != nil && err != io.EOF {
		g.err = err
		g.cancel()
	}
	return n, err
}

func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
