// Package counting is a driver wrapper that counts the calls made to the
// driver under it, for tests that prove an operation costs no request
// (a handler that serves from memory, a hostile path that touches
// nothing).
package counting

import (
	"context"
	"io"
	"iter"
	"sync/atomic"

	"github.com/go-storages/storage"
)

// Driver counts the calls to the driver it embeds, by method.
type Driver struct {
	storage.Driver
	Reads, Stats, Lists, Writes, Deletes, Copies, Signs atomic.Int64
}

// Wrap returns st over a counting wrapper of its driver, and the wrapper.
func Wrap(st *storage.Storage) (*storage.Storage, *Driver) {
	c := &Driver{}
	return st.Wrap(func(d storage.Driver) storage.Driver { c.Driver = d; return c }), c
}

// Total is the number of calls counted.
func (c *Driver) Total() int64 {
	return c.Reads.Load() + c.Stats.Load() + c.Lists.Load() + c.Writes.Load() + c.Deletes.Load() + c.Copies.Load() + c.Signs.Load()
}

// Reset sets every count to zero.
func (c *Driver) Reset() {
	for _, n := range []*atomic.Int64{&c.Reads, &c.Stats, &c.Lists, &c.Writes, &c.Deletes, &c.Copies, &c.Signs} {
		n.Store(0)
	}
}

// Read implements storage.Driver.
func (c *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	c.Reads.Add(1)
	return c.Driver.Read(ctx, name, req)
}

// Stat implements storage.Driver.
func (c *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	c.Stats.Add(1)
	return c.Driver.Stat(ctx, name)
}

// List implements storage.Driver.
func (c *Driver) List(ctx context.Context, prefix string, o storage.ListOptions) iter.Seq2[storage.Entry, error] {
	c.Lists.Add(1)
	return c.Driver.List(ctx, prefix, o)
}

// Write implements storage.Driver.
func (c *Driver) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	c.Writes.Add(1)
	return c.Driver.Write(ctx, name, r, o)
}

// Delete implements storage.Driver.
func (c *Driver) Delete(ctx context.Context, name string) error {
	c.Deletes.Add(1)
	return c.Driver.Delete(ctx, name)
}

// Copy implements storage.Driver.
func (c *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	c.Copies.Add(1)
	return c.Driver.Copy(ctx, dst, src, exclusive)
}

// SignedURL implements storage.Driver.
func (c *Driver) SignedURL(ctx context.Context, name string, o storage.SignOptions) (string, error) {
	c.Signs.Add(1)
	return c.Driver.SignedURL(ctx, name, o)
}
