package storage

import (
	"context"
	"errors"
	"io"
	"sync"
)

// ReadBudget is the memory, in bytes, that the part buffers of every
// parallel download in the process share (see Capabilities.ReadParts): a
// download holds at most ReadBudget / ReadPartSize buffers, fewer when other
// downloads hold part of the budget, and streams one response when not one
// buffer fits. Buffers are pooled and reused across downloads.
const ReadBudget = 16 << 20

// readBudget is the process-wide account of ReadBudget.
var readBudget struct {
	mu   sync.Mutex
	used int64
}

// takeParts reserves up to want buffers of size bytes and returns how many
// it reserved (0 when not one fits).
func takeParts(want int, size int64) int {
	readBudget.mu.Lock()
	defer readBudget.mu.Unlock()
	k := min(int64(want), (ReadBudget-readBudget.used)/size)
	if k < 1 {
		return 0
	}
	readBudget.used += k * size
	return int(k)
}

func giveParts(k int, size int64) {
	readBudget.mu.Lock()
	readBudget.used -= int64(k) * size
	readBudget.mu.Unlock()
}

// partBufs pools part buffers by size.
var partBufs sync.Map // int64 -> *sync.Pool of *[]byte

func partBuf(size int64) *[]byte {
	p, _ := partBufs.LoadOrStore(size, &sync.Pool{New: func() any { b := make([]byte, size); return &b }})
	return p.(*sync.Pool).Get().(*[]byte)
}

func putPartBuf(size int64, b *[]byte) {
	p, _ := partBufs.Load(size)
	p.(*sync.Pool).Put(b)
}

// parallelParts returns the part size and the number of parts in flight
// for downloading the rest of r's range in parallel, or 0, 0 when it
// should stream: the backend asks for no parts, the body is a local
// random-access one, nothing pins the parts to the version opened, or
// fewer than two parts are left.
func (r *Reader) parallelParts() (int64, int) {
	part, parts := r.s.caps.ReadPartSize, r.s.caps.ReadParts
	if parts < 2 || part <= 0 || r.random != nil || r.version == "" || r.end-r.pos < 2*part {
		return 0, 0
	}
	return part, parts
}

// stream is an open response and the watch of its stall timer.
type stream struct {
	body  io.ReadCloser
	watch *watch
}

func (s *stream) close() {
	if s != nil {
		s.body.Close()
		s.watch.done()
	}
}

// download writes bytes [start, end) of the version r opened to w, in
// order, in parts of part bytes, k+1 of them in flight: every (k+1)-th part
// streams straight from its response to w, while the k parts after it are
// fetched into the k buffers reserved from the read budget (given back
// here) and written from them. first, when not nil, is an open stream at
// start that serves the first part; download closes it. It touches no field
// of r that Read, Seek or WriteTo change, so it may run behind a pipe while
// the caller reads.
func (r *Reader) download(ctx context.Context, w io.Writer, first *stream, start, end, part int64, k int) (int64, error) {
	defer giveParts(k, part)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		buf *[]byte
		err error
	}
	type item struct {
		off, n int64
		res    chan result // nil: the consumer streams the part
	}
	// The download's k buffers circulate through free (nil until first
	// used), so a garbage collection during the download cannot take one;
	// they go back to the process's pool at the end.
	free := make(chan *[]byte, k)
	for range k {
		free <- nil
	}
	defer func() {
		for range k {
			if b := <-free; b != nil {
				putPartBuf(part, b)
			}
		}
	}()
	queue := make(chan item, k+1) // parts in object order
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(queue)
		i := 0
		for off := start; off < end && ctx.Err() == nil; off, i = off+part, i+1 {
			n := min(part, end-off)
			if i%(k+1) == 0 {
				queue <- item{off: off, n: n} // the consumer drains the queue to its end
				continue
			}
			var buf *[]byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			if buf == nil {
				buf = partBuf(part)
			}
			res := make(chan result, 1)
			queue <- item{off: off, n: n, res: res}
			wg.Go(func() {
				res <- result{buf, r.fetch(ctx, "read", off, (*buf)[:n])}
			})
		}
	})
	var written int64
	var err error
	copyBuf := make([]byte, 64<<10)
	for it := range queue {
		switch {
		case it.res == nil && err == nil:
			var m int64
			m, err = r.streamPart(ctx, w, first, it.off, it.n, copyBuf)
			first = nil
			written += m
		case it.res != nil:
			got := <-it.res
			if err == nil {
				if err = got.err; err == nil {
					var m int
					m, err = w.Write((*got.buf)[:it.n])
					written += int64(m)
				}
			}
			free <- got.buf
		}
		if err != nil {
			cancel()
		}
	}
	wg.Wait()
	first.close() // not used: the download failed first
	if err != nil && errors.Is(err, context.Canceled) && r.ctx.Err() != nil {
		err = r.ctx.Err()
	}
	return written, err
}

// streamPart copies n bytes at off of the version r opened to w, from src
// when not nil (an open stream at off, which it closes) and else from a
// pinned ranged read; a read broken mid-body goes on from where it broke,
// at most the storage's resumes times. An error of w is returned as it is.
func (r *Reader) streamPart(ctx context.Context, w io.Writer, src *stream, off, n int64, buf []byte) (int64, error) {
	var written int64
	for resumes := 0; ; resumes++ {
		if src == nil {
			bctx, cancel := context.WithCancelCause(ctx)
			body, err := r.reopenCtx(bctx, "read", off+written, n-written)
			if err != nil {
				cancel(nil)
				return written, err
			}
			src = &stream{body, newWatch(bctx, cancel, r.s.stall)}
		}
		var rerr error
		for written < n && rerr == nil {
			var m int
			m, rerr = src.watch.read(src.body, buf[:min(int64(len(buf)), n-written)])
			if m > 0 {
				k, werr := w.Write(buf[:m])
				written += int64(k)
				if werr != nil {
					src.close()
					return written, werr
				}
			}
			if rerr == io.EOF && written < n {
				rerr = io.ErrUnexpectedEOF
			}
		}
		src.close()
		src = nil
		if written == n {
			return written, nil
		}
		if resumes >= r.s.resumes || ctx.Err() != nil || !r.brokenStream(rerr) {
			return written, rerr
		}
	}
}

// fetch fills buf with the bytes at off of the version r opened, with
// pinned ranged reads: a read broken mid-body (reset, cut short, stalled)
// goes on from where it broke, at most the storage's resumes times.
func (r *Reader) fetch(ctx context.Context, op string, off int64, buf []byte) error {
	n, resumes := 0, 0
	for n < len(buf) {
		bctx, cancel := context.WithCancelCause(ctx)
		w := newWatch(bctx, cancel, r.s.stall)
		body, err := r.reopenCtx(bctx, op, off+int64(n), int64(len(buf)-n))
		if err != nil {
			w.done()
			return err
		}
		m, err := readFull(w, body, buf[n:])
		body.Close()
		w.done()
		n += m
		if err == nil {
			return nil
		}
		if resumes >= r.s.resumes || ctx.Err() != nil || !r.brokenStream(err) {
			return err
		}
		resumes++
	}
	return nil
}

// readFull is io.ReadFull under the stall timer of w.
func readFull(w *watch, body io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := w.read(body, p[n:])
		n += m
		if err == io.EOF {
			if n < len(p) {
				return n, io.ErrUnexpectedEOF
			}
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// startPipe moves the rest of a sequential Read to a parallel download
// behind a pipe that Read drains. It reports false, changing nothing, when
// the read budget has no room for a part.
func (r *Reader) startPipe(part int64, parts int) bool {
	k := takeParts(parts-1, part)
	if k == 0 {
		return false
	}
	first := r.takeStream()
	ctx, cancel := context.WithCancel(r.ctx)
	pr, pw := io.Pipe()
	done := make(chan struct{})
	start, end := r.pos, r.end
	go func() {
		defer close(done)
		_, err := r.download(ctx, pw, first, start, end, part, k)
		pw.CloseWithError(err)
	}()
	r.pipe = pr
	r.stopPipe = func() {
		pr.Close()
		cancel()
		<-done
	}
	return true
}

// takeStream hands the open stream, when it is at r.pos, over to a
// download (which closes it); any other stream is closed.
func (r *Reader) takeStream() *stream {
	if r.body != nil && r.bodyPos == r.pos {
		s := &stream{r.body, r.watch}
		r.body, r.watch = nil, nil
		return s
	}
	r.dropStream()
	return nil
}

// dropPipe stops the parallel download behind Read, if any.
func (r *Reader) dropPipe() {
	if r.pipe != nil {
		r.stopPipe()
		r.pipe, r.stopPipe = nil, nil
	}
}

// readAtWindow is what a small ReadAt fetches (from its offset on), so that
// many small reads nearby (a zip directory, an image header, a file
// footer) cost one request; a read is small when it is at most a quarter
// of the window.
const readAtWindow = 256 << 10

// window holds the bytes fetched by the last small ReadAt.
type window struct {
	mu  sync.Mutex
	off int64
	buf []byte
}

// get copies the bytes at off into p when the window holds all of them.
func (w *window) get(p []byte, off int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if off < w.off || off+int64(len(p)) > w.off+int64(len(w.buf)) {
		return false
	}
	copy(p, w.buf[off-w.off:])
	return true
}

func (w *window) set(off int64, buf []byte) {
	w.mu.Lock()
	w.off, w.buf = off, buf
	w.mu.Unlock()
}

// readAtPinned fills p with the bytes at off (all inside the object) with
// pinned ranged reads; small reads go through the window.
func (r *Reader) readAtPinned(p []byte, off int64) error {
	if len(p) > readAtWindow/4 {
		return r.fetch(r.ctx, "readat", off, p)
	}
	if r.win.get(p, off) {
		return nil
	}
	buf := make([]byte, min(readAtWindow, r.attrs.Size-off))
	if err := r.fetch(r.ctx, "readat", off, buf); err != nil {
		return err
	}
	copy(p, buf)
	r.win.set(off, buf)
	return nil
}
