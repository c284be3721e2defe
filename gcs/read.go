package gcs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	gcs "cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver.
//
// Reading a whole object (offset 0, length < 0, as Storage.Open does) sends
// the metadata request (for the full attributes) and the download request
// concurrently, and checks that both saw the same generation: the body is a
// snapshot of the version the attributes describe, which later seeks,
// ReadAt calls and the parallel download read too (pinned by generation). A
// ranged read opens the range and takes the attributes its response carries
// (size, type, encoding, cache control, metadata, CRC32C), with no metadata
// request.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if offset == 0 && length < 0 {
		return d.readObject(ctx, name)
	}
	r, err := d.object(name).NewRangeReader(ctx, offset, length)
	if err != nil {
		var ge *googleapi.Error
		if errors.As(err, &ge) && ge.Code == http.StatusRequestedRangeNotSatisfiable {
			// The range starts at or past the end: an empty read.
			a, serr := d.Stat(ctx, name)
			if serr != nil {
				return nil, nil, serr
			}
			return io.NopCloser(eofReader{}), a, nil
		}
		return nil, nil, d.notFound(ctx, err)
	}
	return r, readerAttributes(r), nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// readObject opens the whole object and its attributes, of one generation.
func (d *Driver) readObject(ctx context.Context, name string) (io.ReadCloser, *storage.Attributes, error) {
	for attempt := 1; ; attempt++ {
		var (
			a    *gcs.ObjectAttrs
			aerr error
			wg   sync.WaitGroup
		)
		wg.Go(func() { a, aerr = d.object(name).Attrs(ctx) })
		r, rerr := d.object(name).NewRangeReader(ctx, 0, -1)
		wg.Wait()
		if aerr != nil || rerr != nil {
			if rerr == nil {
				r.Close()
			}
			return nil, nil, d.notFound(ctx, cmp.Or(aerr, rerr))
		}
		if r.Attrs.Generation != a.Generation {
			// Replaced between the two requests: describe the generation
			// the open stream reads, or start again if it is gone already.
			a, aerr = d.object(name).Generation(r.Attrs.Generation).Attrs(ctx)
			if aerr != nil {
				r.Close()
				if errors.Is(aerr, gcs.ErrObjectNotExist) {
					if attempt < 5 {
						continue
					}
					// Replaced again and again while opening: it exists,
					// so this is not ErrNotExist.
					return nil, nil, &changedError{aerr}
				}
				return nil, nil, aerr
			}
		}
		body := &lazyBody{ctx: ctx, d: d, obj: d.object(name).Generation(a.Generation), size: a.Size, r: r, fresh: true}
		return body, attributes(a), nil
	}
}

// readerAttributes are the attributes a ranged read's response carries.
func readerAttributes(r *gcs.Reader) *storage.Attributes {
	a := r.Attrs
	return &storage.Attributes{
		Size:            a.Size,
		ModTime:         a.LastModified.UTC(),
		ContentType:     a.ContentType,
		CacheControl:    a.CacheControl,
		ContentEncoding: a.ContentEncoding,
		Metadata:        lowerKeys(r.Metadata()),
		Checksums:       storage.Checksums{CRC32C: crcBytes(a.CRC32C)},
	}
}

// lazyBody reads one object generation, opening the stream on first use.
// It is an io.ReadSeeker and io.ReaderAt over the whole object, so the
// portable reader seeks and reads at offsets through it, always on the
// generation Open saw.
type lazyBody struct {
	ctx   context.Context
	d     *Driver
	obj   *gcs.ObjectHandle // pinned to the generation Read saw
	size  int64
	pos   int64
	r     *gcs.Reader // open stream at pos, or nil
	fresh bool        // r is the stream Read opened, nothing read from it yet

	mu       sync.Mutex // guards the ReadAt block
	blockOff int64
	block    []byte
}

func (b *lazyBody) open() error {
	r, err := b.obj.NewRangeReader(b.ctx, b.pos, -1)
	if err != nil {
		return pinnedError(err)
	}
	b.r = r
	return nil
}

func (b *lazyBody) Read(p []byte) (int, error) {
	if b.pos >= b.size {
		return 0, io.EOF
	}
	if b.r == nil {
		if err := b.open(); err != nil {
			return 0, err
		}
	}
	b.fresh = false
	n, err := b.r.Read(p)
	b.pos += int64(n)
	return n, err
}

// Seek sets the position of the next Read; it does no I/O.
func (b *lazyBody) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.pos
	case io.SeekEnd:
		offset += b.size
	default:
		return b.pos, fmt.Errorf("%w: gcs: invalid whence %d", storage.ErrInvalidArgument, whence)
	}
	if offset < 0 {
		return b.pos, fmt.Errorf("%w: gcs: negative position", storage.ErrInvalidArgument)
	}
	if offset != b.pos && b.r != nil {
		b.r.Close()
		b.r, b.fresh = nil, false
	}
	b.pos = offset
	return offset, nil
}

// readAtBlock is how much a small ReadAt fetches, so that a run of small
// reads at increasing offsets costs one request per block.
const readAtBlock = 64 << 10

// ReadAt reads len(p) bytes at off with one ranged request; reads of at most
// a quarter block fetch a whole block and keep it for the next small reads.
// It is safe for concurrent use.
func (b *lazyBody) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%w: gcs: negative offset", storage.ErrInvalidArgument)
	}
	if off >= b.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), b.size-off)
	var eof error
	if want < int64(len(p)) {
		eof = io.EOF
	}
	if want > readAtBlock/4 {
		if err := fetchRange(b.ctx, b.obj, off, p[:want]); err != nil {
			return 0, err
		}
		return int(want), eof
	}
	b.mu.Lock()
	if off >= b.blockOff && off+want <= b.blockOff+int64(len(b.block)) {
		n := copy(p[:want], b.block[off-b.blockOff:])
		b.mu.Unlock()
		return n, eof
	}
	b.mu.Unlock()
	block := make([]byte, min(readAtBlock, b.size-off))
	if err := fetchRange(b.ctx, b.obj, off, block); err != nil {
		return 0, err
	}
	n := copy(p[:want], block)
	b.mu.Lock()
	b.blockOff, b.block = off, block
	b.mu.Unlock()
	return n, eof
}

// WriteTo copies the rest of the object to w: as parallel ranged requests
// when at least two parts remain and no stream is in use, else from the
// single stream.
func (b *lazyBody) WriteTo(w io.Writer) (int64, error) {
	rest := b.size - b.pos
	if rest <= 0 {
		return 0, nil
	}
	if (b.r == nil || b.fresh) && b.d.s.concurrency > 1 && rest >= 2*b.d.s.partSize {
		if b.r != nil {
			b.r.Close()
			b.r, b.fresh = nil, false
		}
		n, err := parallelCopy(b.ctx, w, b.obj, b.pos, b.size, b.d.s.partSize, b.d.s.concurrency)
		b.pos += n
		return n, err
	}
	if b.r == nil {
		if err := b.open(); err != nil {
			return 0, err
		}
	}
	b.fresh = false
	n, err := b.r.WriteTo(w)
	b.pos += n
	return n, err
}

func (b *lazyBody) Close() error {
	if b.r == nil {
		return nil
	}
	r := b.r
	b.r, b.fresh = nil, false
	return r.Close()
}

// parallelCopy writes bytes [off, end) of obj to w in order, fetching up to
// concurrency parts of partSize bytes at once. It buffers at most
// concurrency parts.
func parallelCopy(ctx context.Context, w io.Writer, obj *gcs.ObjectHandle, off, end, partSize int64, concurrency int) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		buf []byte
		err error
	}
	free := make(chan []byte, concurrency) // one token (and buffer) per part in flight
	for range concurrency {
		free <- nil
	}
	queue := make(chan chan result, concurrency) // parts in object order
	var wg sync.WaitGroup
	go func() {
		defer close(queue)
		for p := off; p < end; p += partSize {
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			if buf == nil {
				buf = make([]byte, partSize)
			}
			buf = buf[:min(partSize, end-p)]
			done := make(chan result, 1)
			queue <- done // never blocks: at most concurrency tokens are out
			wg.Add(1)
			go func(p int64) {
				defer wg.Done()
				done <- result{buf, fetchRange(ctx, obj, p, buf)}
			}(p)
		}
	}()
	var written int64
	var err error
	for done := range queue {
		res := <-done
		if err == nil {
			if err = res.err; err == nil {
				var n int
				n, err = w.Write(res.buf)
				written += int64(n)
			}
			if err != nil {
				cancel()
			}
		}
		free <- res.buf[:cap(res.buf)]
	}
	wg.Wait()
	return written, err
}

// fetchRange fills buf with the bytes of obj (pinned to a generation) at
// off.
func fetchRange(ctx context.Context, obj *gcs.ObjectHandle, off int64, buf []byte) error {
	r, err := obj.NewRangeReader(ctx, off, int64(len(buf)))
	if err != nil {
		return pinnedError(err)
	}
	defer r.Close()
	if _, err := io.ReadFull(r, buf); err != nil {
		return fmt.Errorf("gcs: reading bytes %d-%d: %w", off, off+int64(len(buf))-1, err)
	}
	return nil
}

// pinnedError is the error of a read pinned to a generation: a missing
// generation means the object was replaced (or deleted) since it was
// opened.
func pinnedError(err error) error {
	if errors.Is(err, gcs.ErrObjectNotExist) {
		return &changedError{err}
	}
	return err
}

// changedError: the generation a reader opened is gone. It matches
// storage.ErrChanged.
type changedError struct{ err error }

func (e *changedError) Error() string {
	return "gcs: object changed since it was opened: " + e.err.Error()
}
func (e *changedError) Unwrap() error        { return e.err }
func (e *changedError) Is(target error) bool { return target == storage.ErrChanged }
