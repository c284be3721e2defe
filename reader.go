package storage

import (
	"context"
	"errors"
	"io"
	"net/http"
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

	end     int64  // offset after the last byte to read: Size, or the end of a ReadRange
	version string // what later reads are pinned to: attrs.Version, else the ETag

	body     io.ReadCloser // current stream; nil after a seek
	random   randomAccess  // set when the driver's body can seek and ReadAt itself
	pos      int64         // logical position
	bodyPos  int64         // position of body
	seq      int64         // bytes read in a row from body (-1: no parallel switch)
	closed   bool
	check    *readCheck     // verifies a whole read; nil without a checksum
	watch    *watch         // the current stream's context and stall timer
	resumed  int            // times a broken stream was resumed
	pipe     *io.PipeReader // parallel download feeding Read, once started
	stopPipe func()
	win      window // the bytes of the last small ReadAt
}

// ErrStalled is the cause of a read that received no byte from the backend
// for the stall timeout (see [WithStallTimeout]) and could not be resumed.
var ErrStalled = errors.New("storage: stalled: no bytes from the backend within the stall timeout")

// watch is the context of one stream, cancelled with ErrStalled when a read
// of it waits longer than the stall timeout, and when the stream is
// dropped.
type watch struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer // nil: no stall detection
	stall  time.Duration
}

func newWatch(ctx context.Context, cancel context.CancelCauseFunc, stall time.Duration) *watch {
	w := &watch{ctx: ctx, cancel: cancel, stall: stall}
	if stall > 0 {
		w.timer = time.AfterFunc(time.Duration(1<<62), func() { cancel(ErrStalled) })
		w.timer.Stop()
	}
	return w
}

// arm starts the stall timer; disarm stops it.
func (w *watch) arm() {
	if w.timer != nil {
		w.timer.Reset(w.stall)
	}
}

func (w *watch) disarm() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// cause turns the error of a stream cancelled for a stall into ErrStalled.
func (w *watch) cause(err error) error {
	if err != nil && err != io.EOF && errors.Is(context.Cause(w.ctx), ErrStalled) {
		return ErrStalled
	}
	return err
}

// read is one Read of the stream under the stall timer.
func (w *watch) read(body io.Reader, p []byte) (int, error) {
	w.arm()
	n, err := body.Read(p)
	w.disarm()
	return n, w.cause(err)
}

func (w *watch) done() {
	w.disarm()
	w.cancel(nil)
}

// watchedWriter is the destination of a driver's WriteTo: the stall timer
// runs while the driver fetches, not while the destination writes.
type watchedWriter struct {
	w     io.Writer
	watch *watch
	err   error // the destination's own error: never resumed
}

func (c *watchedWriter) Write(p []byte) (int, error) {
	c.watch.disarm()
	defer c.watch.arm()
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

type randomAccess interface {
	io.ReadSeeker
	io.ReaderAt
}

// newReader returns the Reader of bytes [off, end) of an object, opened by
// a read of the driver with bctx (cancelled by cancel), a child of ctx.
func newReader(ctx context.Context, s *Storage, name string, body io.ReadCloser, a *Attributes, off, end int64, bctx context.Context, cancel context.CancelCauseFunc) *Reader {
	r := &Reader{ctx: ctx, s: s, name: name, attrs: a, body: body, pos: off, bodyPos: off, end: end}
	r.version = a.Version
	if r.version == "" {
		r.version = a.ETag
	}
	r.watch = newWatch(bctx, cancel, s.stall)
	if off == 0 && end == a.Size {
		r.check = newReadCheck(a)
		if ra, ok := body.(randomAccess); ok {
			r.random = ra
		}
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
	for {
		if r.random != nil {
			n, err := r.random.Read(p)
			r.pos += int64(n)
			if err != nil && err != io.EOF && r.resumable(err) {
				// A random-access body (a driver's in-memory or lazily
				// loaded one) whose stream broke: go on as a stream, with
				// pinned ranged reads from r.pos.
				if cerr := r.verify(r.pos-int64(n), p[:n], nil); cerr != nil {
					return n, r.err("read", cerr)
				}
				r.random = nil
				r.dropStream()
				r.resumed++
				if n > 0 {
					return n, nil
				}
				continue
			}
			if cerr := r.verify(r.pos-int64(n), p[:n], err); cerr != nil {
				err = cerr
			}
			return n, r.err("read", err)
		}
		if r.pos >= r.end {
			if cerr := r.verify(r.pos, nil, io.EOF); cerr != nil {
				return 0, r.err("read", cerr)
			}
			return 0, io.EOF
		}
		if r.pipe == nil && r.body != nil && r.seq >= 0 {
			if part, parts := r.parallelParts(); parts > 0 && r.seq >= 2*part && !r.startPipe(part, parts) {
				r.seq = -1 // no room in the read budget: stream on
			}
		}
		if r.pipe != nil {
			// The parallel download resumed its parts itself.
			p = p[:min(int64(len(p)), r.end-r.pos)]
			n, err := r.pipe.Read(p)
			r.pos += int64(n)
			if err == io.EOF && r.pos < r.end {
				err = io.ErrUnexpectedEOF
			}
			if cerr := r.verify(r.pos-int64(n), p[:n], err); cerr != nil {
				err = cerr
			}
			return n, r.err("read", err)
		}
		if r.body == nil {
			if n := r.fromWindow(p); n > 0 {
				r.pos += int64(n)
				return n, r.err("read", r.verify(r.pos-int64(n), p[:n], nil))
			}
			if err := r.openStream("read"); err != nil {
				return 0, r.err("read", err)
			}
		}
		n, err := r.watch.read(r.body, p)
		r.pos += int64(n)
		r.bodyPos += int64(n)
		if r.seq >= 0 {
			r.seq += int64(n)
		}
		if err == io.EOF && r.pos < r.end {
			err = io.ErrUnexpectedEOF // the stream ended before the object
		}
		if err == nil || err == io.EOF || !r.resumable(err) {
			if cerr := r.verify(r.pos-int64(n), p[:n], err); cerr != nil {
				err = cerr
			}
			return n, r.err("read", err)
		}
		// Broken mid-body: the bytes before the break are good; drop the
		// stream, and this round (or the next Read, when this one got
		// bytes) reads on from r.pos, pinned to the version opened.
		if cerr := r.verify(r.pos-int64(n), p[:n], nil); cerr != nil {
			return n, r.err("read", cerr)
		}
		r.dropStream()
		r.resumed++
		if n > 0 {
			return n, nil
		}
	}
}

// openStream opens the stream the Reader reads from r.pos to r.end.
func (r *Reader) openStream(op string) error {
	bctx, cancel := context.WithCancelCause(r.ctx)
	n := r.end - r.pos
	if r.end == r.attrs.Size {
		n = -1
	}
	body, err := r.reopenCtx(bctx, op, r.pos, n)
	if err != nil {
		cancel(nil)
		return err
	}
	r.body, r.bodyPos, r.watch = body, r.pos, newWatch(bctx, cancel, r.s.stall)
	if r.seq > 0 {
		r.seq = 0
	}
	return nil
}

// dropStream closes the current stream.
func (r *Reader) dropStream() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	if r.watch != nil {
		r.watch.done()
		r.watch = nil
	}
}

// fromWindow copies into p the bytes at r.pos that the ReadAt window
// holds, so a Seek into bytes a small ReadAt fetched costs no request.
func (r *Reader) fromWindow(p []byte) int {
	r.win.mu.Lock()
	defer r.win.mu.Unlock()
	if r.pos < r.win.off || r.pos >= r.win.off+int64(len(r.win.buf)) {
		return 0
	}
	return copy(p[:min(int64(len(p)), r.end-r.pos)], r.win.buf[r.pos-r.win.off:])
}

// resumable reports whether a stream that failed with err may be resumed:
// the caller's context is live, resumes are left, and the error says
// nothing about the object (a broken connection, a body cut short, a
// stall, a 5xx), unlike ErrChanged, ErrNotExist or ErrChecksum.
func (r *Reader) resumable(err error) bool {
	return r.resumed < r.s.resumes && r.ctx.Err() == nil && r.brokenStream(err)
}

// brokenStream reports whether err broke a stream without saying anything
// about the object (see resumable).
func (r *Reader) brokenStream(err error) bool {
	if errors.Is(err, ErrStalled) {
		return true
	}
	return KindOf(r.s.wrap(r.ctx, "read", r.name, err)) == nil
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
	if offset != r.pos {
		r.dropPipe()
	}
	if offset != r.bodyPos && r.body != nil {
		r.dropStream()
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
	n := 0
	if r.random != nil {
		m, err := r.random.ReadAt(p, off)
		if err == nil || err == io.EOF || r.s.resumes == 0 || r.ctx.Err() != nil || KindOf(r.s.wrap(r.ctx, "readat", r.name, err)) != nil {
			return m, r.err("readat", err)
		}
		// The body's own read broke: read the rest with pinned ranged
		// reads below.
		n = m
	}
	if off >= r.attrs.Size {
		return n, io.EOF
	}
	want := min(int64(len(p)), r.attrs.Size-off)
	if n < int(want) {
		if err := r.readAtPinned(p[n:want], off+int64(n)); err != nil {
			return 0, r.err("readat", err)
		}
	}
	var err error
	if want < int64(len(p)) {
		err = io.EOF
	}
	return int(want), r.err("readat", err)
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
	if r.pipe != nil {
		return io.Copy(w, onlyReader{r})
	}
	// A whole read from here on is verified by hashing what w accepts
	// (Read verifies the io.Copy below itself).
	dst, hashing := w, false
	if r.check != nil {
		dst, hashing = r.check.writer(r.pos, w)
	}
	if part, parts := r.parallelParts(); parts > 0 {
		if k := takeParts(parts-1, part); k > 0 {
			n, err := r.download(r.ctx, ctxWriter{r.ctx, dst}, r.takeStream(), r.pos, r.end, part, k)
			r.pos += n
			if hashing && err == nil {
				err = r.check.finish()
			}
			return n, r.err("read", err)
		}
	}
	if r.random == nil && r.body == nil && r.pos < r.end {
		if err := r.openStream("read"); err != nil {
			return 0, r.err("read", err)
		}
	}
	var src io.Reader = r.body
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
	if wt, ok := src.(io.WriterTo); ok && r.random != nil {
		n, err := wt.WriteTo(ctxWriter{r.ctx, dst})
		r.pos += n
		r.bodyPos += n
		if hashing && err == nil {
			err = r.check.finish()
		}
		return n, r.err("read", err)
	} else if ok {
		ww := &watchedWriter{w: ctxWriter{r.ctx, dst}, watch: r.watch}
		r.watch.arm()
		n, err := wt.WriteTo(ww)
		r.watch.disarm()
		err = r.watch.cause(err)
		r.pos += n
		r.bodyPos += n
		if err == nil && r.pos < r.end {
			err = io.ErrUnexpectedEOF // the stream ended before the object
		}
		if err == nil || ww.err != nil || !r.resumable(err) {
			if hashing && err == nil {
				err = r.check.finish()
			}
			return n, r.err("read", err)
		}
		// Broken mid-body: go on with pinned ranged reads from r.pos
		// (Read verifies the rest of a whole read).
		r.dropStream()
		r.resumed++
		m, err := io.Copy(w, onlyReader{r})
		return n + m, err
	}
	return io.Copy(w, onlyReader{r})
}

type onlyReader struct{ io.Reader }

// reopenCtx reads the object again from off (n bytes, or to the end when n
// < 0), for a Read after Seek, ReadAt, a parallel part or a resumption, and
// makes sure it is the version the Reader opened: the request carries the
// version (drivers that can make it conditional do), and in any case what
// the response describes (its version or ETag, or without them its size and
// modification time) must be the attributes of Open. Another version fails
// with ErrChanged.
func (r *Reader) reopenCtx(ctx context.Context, op string, off, n int64) (io.ReadCloser, error) {
	body, a, err := r.s.read(ctx, op, r.name, ReadRequest{Offset: off, Length: n, Version: r.version})
	if err != nil {
		return nil, err
	}
	if why := otherVersion(r.attrs, a); why != "" {
		body.Close()
		return nil, &Error{Op: op, Name: r.name, Kind: ErrChanged, Err: errors.New("replaced since it was opened (" + why + ")")}
	}
	return body, nil
}

// read is the driver's Read of name, the part every driver would otherwise
// write again: an empty read, and a range starting at or past the end that
// the backend refused (ErrInvalidArgument, an HTTP 416), are answered with
// Stat; a pinned read whose condition failed (ErrExist, an HTTP 412) is
// ErrChanged. Its errors are wrapped for op.
func (s *Storage) read(ctx context.Context, op, name string, req ReadRequest) (io.ReadCloser, *Attributes, error) {
	if req.Length == 0 {
		a, err := s.drv.Stat(ctx, s.location+name)
		if err != nil {
			return nil, nil, s.wrap(ctx, op, name, err)
		}
		return http.NoBody, a, nil
	}
	body, a, err := s.drv.Read(ctx, s.location+name, req)
	if err == nil {
		return body, a, nil
	}
	err = s.wrap(ctx, op, name, err)
	switch KindOf(err) {
	case ErrInvalidArgument:
		if a, serr := s.drv.Stat(ctx, s.location+name); serr == nil && req.Offset >= a.Size {
			return http.NoBody, a, nil
		}
	case ErrExist:
		if req.Version != "" {
			err.(*Error).Kind = ErrChanged
		}
	}
	return nil, nil, err
}

// otherVersion says how b describes another version of the object than a,
// or returns "" when nothing tells them apart.
func otherVersion(a, b *Attributes) string {
	switch {
	case b == nil:
		return ""
	case a.Version != "" && b.Version != "":
		if a.Version != b.Version {
			return "version " + a.Version + ", now " + b.Version
		}
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
	r.dropPipe()
	var err error
	if r.body != nil {
		err = r.body.Close()
		r.body = nil
	}
	if r.watch != nil {
		r.watch.done()
	}
	return r.err("close", err)
}

var errClosed = errors.New("reader is closed")

func (r *Reader) err(op string, err error) error {
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF && op == "readat" {
		return err
	}
	var ce *checksumError
	if errors.As(err, &ce) {
		err = r.s.changedOrCorrupt(r.ctx, r.name, ce)
	}
	return r.s.wrap(r.ctx, op, r.name, err)
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
		return 0, c.s.wrap(c.ctx, "read", c.name, err)
	}
	n, err := c.rc.Read(p)
	if c.check != nil && (err == nil || err == io.EOF) {
		if cerr := c.check.add(c.off, p[:n]); cerr != nil {
			err = c.s.changedOrCorrupt(c.ctx, c.name, cerr.(*checksumError))
		}
	}
	c.off += int64(n)
	if err != nil && err != io.EOF {
		err = c.s.wrap(c.ctx, "read", c.name, err)
	}
	return n, err
}

func (c *ctxReader) Close() error { return c.rc.Close() }
