package gcs

import (
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
// Reading a whole object (offset 0, length < 0, as Storage.Open does) costs
// one metadata request for the full attributes; the returned body is lazy:
// it opens a ranged read of that object generation on its first Read, and
// its WriteTo downloads large objects as parallel ranged requests. A ranged
// read opens the range at once and takes the attributes the response
// carries (size, type, encoding, cache control, metadata, CRC32C), with no
// extra request.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if offset == 0 && length < 0 {
		a, err := d.object(name).Attrs(ctx)
		if err != nil {
			return nil, nil, err
		}
		return &lazyBody{ctx: ctx, d: d, obj: d.object(name).Generation(a.Generation), size: a.Size}, attributes(a), nil
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
		return nil, nil, err
	}
	return r, readerAttributes(r), nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

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
type lazyBody struct {
	ctx  context.Context
	d    *Driver
	obj  *gcs.ObjectHandle // pinned to the generation Read saw
	size int64
	pos  int64
	r    *gcs.Reader
}

func (b *lazyBody) open() error {
	r, err := b.obj.NewRangeReader(b.ctx, b.pos, -1)
	if err != nil {
		return err
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
	n, err := b.r.Read(p)
	b.pos += int64(n)
	return n, err
}

// WriteTo copies the rest of the object to w: as parallel ranged requests
// when at least two parts remain and no stream is open yet, else from the
// single stream.
func (b *lazyBody) WriteTo(w io.Writer) (int64, error) {
	rest := b.size - b.pos
	if rest <= 0 {
		return 0, nil
	}
	if b.r == nil && b.d.s.concurrency > 1 && rest >= 2*b.d.s.partSize {
		n, err := parallelCopy(b.ctx, w, b.obj, b.pos, b.size, b.d.s.partSize, b.d.s.concurrency)
		b.pos += n
		return n, err
	}
	if b.r == nil {
		if err := b.open(); err != nil {
			return 0, err
		}
	}
	n, err := b.r.WriteTo(w)
	b.pos += n
	return n, err
}

func (b *lazyBody) Close() error {
	if b.r != nil {
		return b.r.Close()
	}
	return nil
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

// fetchRange fills buf with the bytes of obj at off.
func fetchRange(ctx context.Context, obj *gcs.ObjectHandle, off int64, buf []byte) error {
	r, err := obj.NewRangeReader(ctx, off, int64(len(buf)))
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.ReadFull(r, buf); err != nil {
		return fmt.Errorf("gcs: reading bytes %d-%d: %w", off, off+int64(len(buf))-1, err)
	}
	return nil
}
