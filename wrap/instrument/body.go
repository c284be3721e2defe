package instrument

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// countingReader counts the bytes a driver reads from a Save's body.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// countBody wraps a read body so the bytes read are counted and recorded
// once, when it is closed. A body that can seek and read at offsets keeps
// those abilities, so the portable reader still uses them.
func (d *Driver) countBody(ctx context.Context, body io.ReadCloser) io.ReadCloser {
	b := &countedBody{d: d, ctx: context.WithoutCancel(ctx), rc: body}
	if ra, ok := body.(randomAccess); ok {
		return &randomBody{countedBody: b, ra: ra}
	}
	return b
}

type randomAccess interface {
	io.ReadSeeker
	io.ReaderAt
}

type countedBody struct {
	d    *Driver
	ctx  context.Context
	rc   io.ReadCloser
	n    atomic.Int64
	once sync.Once
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// WriteTo keeps the driver's own WriteTo (parallel downloads, say).
func (b *countedBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	var err error
	if wt, ok := b.rc.(io.WriterTo); ok {
		n, err = wt.WriteTo(w)
	} else {
		n, err = io.Copy(w, onlyReader{b.rc})
	}
	b.n.Add(n)
	return n, err
}

type onlyReader struct{ io.Reader }

func (b *countedBody) Close() error {
	err := b.rc.Close()
	b.once.Do(func() {
		if n := b.n.Load(); n > 0 && b.d.bytes != nil {
			b.d.bytes.Add(b.ctx, n, b.d.ops[opRead].ok)
		}
	})
	return err
}

type randomBody struct {
	*countedBody
	ra randomAccess
}

func (r *randomBody) Seek(offset int64, whence int) (int64, error) { return r.ra.Seek(offset, whence) }

func (r *randomBody) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ra.ReadAt(p, off)
	r.n.Add(int64(n))
	return n, err
}
