package storage

import (
	"context"
	"errors"
	"io"
	"strconv"
	"syscall"
	"time"
)

// Reader reads one object. It is returned by [Storage.Open]: it streams,
// seeks (a seek costs nothing until the next Read, which then opens a new
// ranged read where the backend cannot seek in place), reads at offsets
// without disturbing the stream position (io.ReaderAt, one ranged request per
// call), and carries the object's attributes. It is not safe for concurrent
// use, except ReadAt. Close it when done.
//
// A Reader reads the one version of the object it opened, after any
// sequence of Read, Seek, ReadAt and WriteTo: when a read needs the backend
// again and that version was replaced or deleted meanwhile, it fails with
// an error matching [ErrChanged] (or [ErrNotExist] for a deleted object on
// some backends), never returning bytes of another version.
type Reader struct {
	ctx   context.Context
	s     *Storage
	name  string
	attrs *Attributes

	body    io.ReadCloser // current stream; nil after a seek
	random  randomAccess  // set when the driver's body can seek and ReadAt itself
	pos     int64         // logical position
	bodyPos int64         // position of body
	closed  bool
	check   *readCheck // verifies a whole read; nil without a checksum
}

type randomAccess interface {
	io.ReadSeeker
	io.ReaderAt
}

func newReader(ctx context.Context, s *Storage, name string, body io.ReadCloser, a *Attributes) *Reader {
	r := &Reader{ctx: ctx, s: s, name: name, attrs: a, body: body, check: newReadCheck(a)}
	if ra, ok := body.(randomAccess); ok {
		r.random = ra
	}
	return r
}

// Attributes returns the object's attributes as of Open.
func (r *Reader) Attributes() *Attributes { return r.attrs }

// Size returns the object's size in bytes.
func (r *Reader) Size() int64 { return r.attrs.Size }

// Name returns the object's name.
func (r *Reader) Name() string { return r.name }

func (r *Reader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, r.err("read", errClosed)
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.err("read", err)
	}
	if r.random != nil {
		n, err := r.random.Read(p)
		r.pos += int64(n)
		if cerr := r.verify(r.pos-int64(n), p[:n], err); cerr != nil {
			err = cerr
		}
		return n, r.err("read", err)
	}
	if r.pos >= r.attrs.Size {
		if cerr := r.verify(r.pos, nil, io.EOF); cerr != nil {
			return 0, r.err("read", cerr)
		}
		return 0, io.EOF
	}
	if r.body == nil {
		body, err := r.reopen("read", r.pos, -1)
		if err != nil {
			return 0, r.err("read", err)
		}
		r.body, r.bodyPos = body, r.pos
	}
	n, err := r.body.Read(p)
	r.pos += int64(n)
	r.bodyPos += int64(n)
	if cerr := r.verify(r.pos-int64(n), p[:n], err); cerr != nil {
		err = cerr
	}
	return n, r.err("read", err)
}

// verify feeds the whole-object check with p, read at off; it returns
// ErrChecksum (a *checksumError) once the last byte was read and the sum
// differs.
func (r *Reader) verify(off int64, p []byte, err error) error {
	if r.check == nil || err != nil && err != io.EOF {
		return nil
	}
	return r.check.add(off, p)
}

// Seek sets the position of the next Read. It does no I/O.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	if r.closed {
		return 0, r.err("seek", errClosed)
	}
	if r.random != nil {
		n, err := r.random.Seek(offset, whence)
		if err == nil {
			r.pos = n
		}
		return n, r.err("seek", err)
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.attrs.Size
	default:
		return r.pos, errorf("seek", r.name, ErrInvalidArgument, "invalid whence")
	}
	if offset < 0 {
		return r.pos, errorf("seek", r.name, ErrInvalidArgument, "negative position")
	}
	if offset != r.bodyPos && r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.pos = offset
	return offset, nil
}

// ReadAt reads len(p) bytes at off, with the semantics of io.ReaderAt. It
// may be called concurrently with itself.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if r.closed {
		return 0, r.err("readat", errClosed)
	}
	if off < 0 {
		return 0, errorf("readat", r.name, ErrInvalidArgument, "negative offset")
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.err("readat", err)
	}
	if r.random != nil {
		n, err := r.random.ReadAt(p, off)
		return n, r.err("readat", err)
	}
	if off >= r.attrs.Size {
		return 0, io.EOF
	}
	want := int64(len(p))
	if rest := r.attrs.Size - off; want > rest {
		want = rest
	}
	body, err := r.reopen("readat", off, want)
	if err != nil {
		return 0, r.err("readat", err)
	}
	defer body.Close()
	n, err := io.ReadFull(body, p[:want])
	if err == nil && want < int64(len(p)) {
		err = io.EOF
	}
	return n, r.err("readat", err)
}

// WriteTo writes the rest of the object to w, using the driver's own
// WriteTo (for example parallel ranged downloads) when its body has one. A
// local file is handed to w's ReadFrom when w has one, so io.Copy to an
// http.ResponseWriter sends it with sendfile.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	if r.closed {
		return 0, r.err("read", errClosed)
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.err("read", err)
	}
	if r.random == nil && r.body == nil && r.pos < r.attrs.Size {
		body, err := r.reopen("read", r.pos, -1)
		if err != nil {
			return 0, r.err("read", err)
		}
		r.body, r.bodyPos = body, r.pos
	}
	var src io.Reader = r.body
	// A whole read from here on is verified by hashing what w accepts
	// (Read verifies the io.Copy below itself).
	dst, hashing := w, false
	if r.check != nil {
		dst, hashing = r.check.writer(r.pos, w)
	}
	if r.random != nil {
		src = r.random
		// A local file (the filesystem driver's body) goes to a writer
		// that can take it whole, such as a net/http response or a TCP
		// connection, so the kernel copies it (sendfile) instead of this
		// process; ctx was checked above.
		if _, isFile := r.random.(syscall.Conn); isFile && !hashing {
			if rf, ok := w.(io.ReaderFrom); ok {
				n, err := rf.ReadFrom(r.random)
				r.pos += n
				r.bodyPos += n
				return n, r.err("read", err)
			}
		}
	}
	if src == nil {
		if hashing {
			return 0, r.err("read", r.check.finish())
		}
		return 0, nil
	}
	if wt, ok := src.(io.WriterTo); ok {
		n, err := wt.WriteTo(ctxWriter{r.ctx, dst})
		r.pos += n
		r.bodyPos += n
		if hashing && err == nil {
			err = r.check.finish()
		}
		return n, r.err("read", err)
	}
	return io.Copy(w, onlyReader{r})
}

type onlyReader struct{ io.Reader }

// reopen reads the object again from off (n bytes, or to the end when n <
// 0), for a Read after Seek or for ReadAt, and makes sure it is the version
// the Reader opened: through [VersionReader] when the driver has it (the
// request itself is conditional on the ETag), and in any case by comparing
// what the response describes (its ETag, or without ETags its size and
// modification time) with the attributes of Open. Another version fails
// with ErrChanged.
func (r *Reader) reopen(op string, off, n int64) (io.ReadCloser, error) {
	var (
		body io.ReadCloser
		a    *Attributes
		err  error
	)
	body, a, err = ReadVersion(r.ctx, r.s.drv, r.s.location+r.name, r.attrs.ETag, off, n)
	if err != nil {
		return nil, err
	}
	if why := otherVersion(r.attrs, a); why != "" {
		body.Close()
		return nil, &Error{Op: op, Name: r.name, Kind: ErrChanged, Err: errors.New("replaced since it was opened (" + why + ")")}
	}
	return body, nil
}

// otherVersion says how b describes another version of the object than a,
// or returns "" when nothing tells them apart.
func otherVersion(a, b *Attributes) string {
	switch {
	case b == nil:
		return ""
	case a.ETag != "" && b.ETag != "":
		if a.ETag != b.ETag {
			return "ETag " + a.ETag + ", now " + b.ETag
		}
		return ""
	case a.Size != b.Size:
		return "size " + strconv.FormatInt(a.Size, 10) + ", now " + strconv.FormatInt(b.Size, 10)
	case !a.ModTime.IsZero() && !b.ModTime.IsZero() && !a.ModTime.Equal(b.ModTime):
		return "modified " + a.ModTime.Format(time.RFC3339Nano) + ", now " + b.ModTime.Format(time.RFC3339Nano)
	}
	return ""
}

// ctxWriter stops a driver's WriteTo between writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Close releases the stream.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.body != nil {
		return r.err("close", r.body.Close())
	}
	return nil
}

var errClosed = errors.New("reader is closed")

func (r *Reader) err(op string, err error) error {
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF && op == "readat" {
		return err
	}
	return r.s.wrap(op, r.name, err)
}

// ctxReader stops a driver's stream when ctx is done and maps its errors.
// With check set (a read of a whole object) it verifies the object's
// checksum at the end.
type ctxReader struct {
	ctx   context.Context
	s     *Storage
	name  string
	rc    io.ReadCloser
	check *readCheck
	off   int64
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, c.s.wrap("read", c.name, err)
	}
	n, err := c.rc.Read(p)
	if c.check != nil && (err == nil || err == io.EOF) {
		if cerr := c.check.add(c.off, p[:n]); cerr != nil {
			err = cerr
		}
	}
	c.off += int64(n)
	if err != nil && err != io.EOF {
		err = c.s.wrap("read", c.name, err)
	}
	return n, err
}

func (c *ctxReader) Close() error { return c.rc.Close() }
