package instrument

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/go-storages/storage"
)

// countingReader counts the bytes a driver reads from a Save's body.
type countingReader struct {
	r io.Reader
	n int64
}

// input is a Save's body on its way to the driver, and what tells how many
// bytes the write consumed.
type input struct {
	r     io.Reader       // what the driver gets
	cr    *countingReader // nil: r is the caller's seekable input
	sk    io.Seeker
	start int64
}

// countInput returns r for the driver. A stream is wrapped to count what is
// read. A seekable input is handed over as it is, keeping what a driver
// looks for on it (io.ReaderAt and io.Seeker, an *os.File, io.WriterTo):
// wrapping it would hide them, as the checksum verifier of the portable
// layer takes care not to (see storage.ReaderAtOf). Its bytes are counted
// from its position (see written).
func countInput(r io.Reader) input {
	if sk, ok := r.(io.Seeker); ok {
		if start, err := sk.Seek(0, io.SeekCurrent); err == nil {
			return input{r: r, sk: sk, start: start}
		}
	}
	cr := &countingReader{r: r}
	return input{r: cr, cr: cr}
}

// written is the number of bytes the write consumed: for a stream, those
// read; for a seekable input, the size written when the write succeeded
// and the size was known (a driver may read parts at offsets, in parallel,
// or twice), else how far the input's position moved.
func (in input) written(err error, opts *storage.WriteOptions) int64 {
	if in.cr != nil {
		return in.cr.n
	}
	if err == nil && opts != nil && opts.Size >= 0 {
		return opts.Size
	}
	pos, serr := in.sk.Seek(0, io.SeekCurrent)
	if serr != nil || pos < in.start {
		return 0
	}
	return pos - in.start
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
