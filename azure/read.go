package azure

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver: one GET (ranged unless the whole object is
// asked for), whose body streams. The attributes come from the response.
// Bodies implement io.WriterTo, with parallel ranged downloads when
// [Config.DownloadConcurrency] asks for them. The body of a whole-object
// read also seeks (no I/O until the next Read) and reads at offsets
// (io.ReaderAt), with ranged GETs bound to the version opened (If-Match);
// small ReadAt calls share a 256 KiB window fetched once.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	bc := d.cont.NewBlobClient(name)
	if length == 0 {
		a, err := d.Stat(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		return http.NoBody, a, nil
	}
	opts := &blob.DownloadStreamOptions{}
	if offset > 0 || length > 0 {
		opts.Range = blob.HTTPRange{Offset: offset, Count: max(length, 0)}
	}
	resp, err := bc.DownloadStream(ctx, opts)
	if hasStatus(err, http.StatusRequestedRangeNotSatisfiable) {
		// Offset at or past the end: an empty body.
		a, err := d.Stat(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		return http.NoBody, a, nil
	}
	if err != nil {
		return nil, nil, err
	}
	a := downloadAttrs(&resp.DownloadResponse)
	bd := &body{
		d:    d,
		bc:   bc,
		ctx:  ctx,
		rc:   resp.NewRetryReader(ctx, nil),
		pos:  offset,
		end:  a.Size,
		etag: resp.ETag,
	}
	if length > 0 {
		bd.end = min(a.Size, offset+length)
	}
	if offset > 0 || length >= 0 {
		// Positions of a ranged body are not those of the object: hide
		// Seek and ReadAt.
		return rangeBody{bd}, a, nil
	}
	return bd, a, nil
}

// rangeBody is the body of a ranged read: Read, WriteTo and Close only.
type rangeBody struct{ b *body }

func (r rangeBody) Read(p []byte) (int, error)         { return r.b.Read(p) }
func (r rangeBody) WriteTo(w io.Writer) (int64, error) { return r.b.WriteTo(w) }
func (r rangeBody) Close() error                       { return r.b.Close() }

func downloadAttrs(r *blob.DownloadResponse) *storage.Attributes {
	a := &storage.Attributes{
		ContentType:        deref(r.ContentType),
		CacheControl:       deref(r.CacheControl),
		ContentDisposition: deref(r.ContentDisposition),
		ContentEncoding:    deref(r.ContentEncoding),
		ContentLanguage:    deref(r.ContentLanguage),
		ETag:               etag(r.ETag),
		ModTime:            modTime(r.LastModified),
	}
	a.Metadata = decodeMetadata(r.Metadata, &a.Checksums.CRC32C)
	if r.ContentLength != nil {
		a.Size = *r.ContentLength
	}
	if r.ContentRange != nil {
		// "bytes 0-99/1000": the whole size is after the slash.
		if i := strings.LastIndexByte(*r.ContentRange, '/'); i >= 0 {
			if n, err := strconv.ParseInt((*r.ContentRange)[i+1:], 10, 64); err == nil {
				a.Size = n
			}
		}
		if len(r.BlobContentMD5) == 16 {
			a.Checksums.MD5 = r.BlobContentMD5
		}
	} else if len(r.ContentMD5) == 16 {
		a.Checksums.MD5 = r.ContentMD5
	}
	return a
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func etag(e *azcore.ETag) string {
	if e == nil {
		return ""
	}
	return string(*e)
}

func modTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// body is the stream of one Read. Read streams the response; WriteTo
// downloads the rest in parallel ranges when it is large. The body of a
// whole-object read is also an io.Seeker and an io.ReaderAt (see
// [Driver.Read]).
type body struct {
	d      *Driver
	bc     *blob.Client
	ctx    context.Context
	rc     io.ReadCloser // nil after a seek: reopened by the next Read
	pos    int64         // offset of the next byte Read yields
	end    int64         // offset after the last byte of the body
	etag   *azcore.ETag
	closed bool

	mu     sync.Mutex // guards the ReadAt window
	winOff int64
	win    []byte
}

func (b *body) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errClosedBody
	}
	if b.pos >= b.end {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.rc == nil {
		rc, err := b.open(b.ctx, b.pos, b.end-b.pos)
		if err != nil {
			return 0, err
		}
		b.rc = rc
	}
	n, err := b.rc.Read(p)
	b.pos += int64(n)
	if err == io.EOF && b.pos < b.end {
		err = io.ErrUnexpectedEOF
	}
	if hasStatus(err, http.StatusPreconditionFailed) {
		err = &changedError{err} // a retry found another version
	}
	return n, err
}

// open starts a ranged read of the same version of the blob.
func (b *body) open(ctx context.Context, off, n int64) (io.ReadCloser, error) {
	resp, err := b.bc.DownloadStream(ctx, &blob.DownloadStreamOptions{
		Range:            blob.HTTPRange{Offset: off, Count: n},
		AccessConditions: &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: b.etag}},
	})
	if hasStatus(err, http.StatusPreconditionFailed) {
		return nil, &changedError{err}
	}
	if err != nil {
		return nil, err
	}
	return resp.NewRetryReader(ctx, nil), nil
}

// Seek sets the position of the next Read. It does no I/O: the next Read
// opens a ranged read there.
func (b *body) Seek(offset int64, whence int) (int64, error) {
	if b.closed {
		return 0, errClosedBody
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.pos
	case io.SeekEnd:
		offset += b.end
	default:
		return b.pos, invalidf("azure: invalid whence")
	}
	if offset < 0 {
		return b.pos, invalidf("azure: negative position")
	}
	if offset != b.pos && b.rc != nil {
		b.rc.Close()
		b.rc = nil
	}
	b.pos = offset
	return offset, nil
}

// readAtWindow is the size of the range ReadAt fetches for a small read, so
// that many small reads nearby (a zip directory, a file footer) cost one
// request.
const readAtWindow = 256 << 10

// ReadAt reads len(p) bytes at off with one ranged GET of the same version of
// the blob, or none when a window fetched by a previous small ReadAt holds
// them. It may be called concurrently.
func (b *body) ReadAt(p []byte, off int64) (int, error) {
	if b.closed {
		return 0, errClosedBody
	}
	if off < 0 {
		return 0, invalidf("azure: negative offset")
	}
	if off >= b.end {
		return 0, io.EOF
	}
	want := min(int64(len(p)), b.end-off)
	var err error
	if want >= readAtWindow {
		err = b.fetch(b.ctx, off, p[:want])
	} else {
		b.mu.Lock()
		in := off >= b.winOff && off+want <= b.winOff+int64(len(b.win))
		if in {
			copy(p, b.win[off-b.winOff:])
		}
		b.mu.Unlock()
		if !in {
			win := make([]byte, min(readAtWindow, b.end-off))
			if err = b.fetch(b.ctx, off, win); err == nil {
				copy(p, win)
				b.mu.Lock()
				b.winOff, b.win = off, win
				b.mu.Unlock()
			}
		}
	}
	if err != nil {
		return 0, err
	}
	if want < int64(len(p)) {
		return int(want), io.EOF
	}
	return int(want), nil
}

func (b *body) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.rc != nil {
		return b.rc.Close()
	}
	return nil
}

// WriteTo writes the rest of the body to w. With a DownloadConcurrency of 2
// or more, when more than two chunks are left, it fetches them in parallel,
// DownloadConcurrency at a time, each into its own
// buffer, and writes them in order: memory stays at Concurrency chunks. The
// open response serves the first chunk; the others are ranged GETs bound to
// the same version of the blob (If-Match).
func (b *body) WriteTo(w io.Writer) (int64, error) {
	if b.closed {
		return 0, errClosedBody
	}
	chunk := b.d.cfg.BlockSize
	conc := b.d.cfg.DownloadConcurrency
	if conc < 2 || b.end-b.pos <= 2*chunk {
		return io.Copy(w, onlyReader{b})
	}
	return b.parallel(w, chunk, conc)
}

type onlyReader struct{ io.Reader }

type chunkResult struct {
	buf []byte
	err error
}

func (b *body) parallel(w io.Writer, chunk int64, conc int) (int64, error) {
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	pool := make(chan []byte, conc)
	for range conc {
		pool <- nil // allocated on first use
	}
	order := make(chan chan chunkResult, conc)
	var wg sync.WaitGroup
	start, end := b.pos, b.end
	stream := b.rc // serves the first chunk, when open
	// The producer starts one fetch per chunk, in order, as buffers free up.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		for off := start; off < end; off += chunk {
			var buf []byte
			select {
			case buf = <-pool:
			case <-ctx.Done():
				return
			}
			n := min(chunk, end-off)
			if int64(cap(buf)) < n {
				buf = make([]byte, chunk)
			}
			buf = buf[:n]
			res := make(chan chunkResult, 1)
			order <- res // never blocks: at most conc results are pending
			first := off == start && stream != nil
			wg.Add(1)
			go func(off int64) {
				defer wg.Done()
				var err error
				if first {
					_, err = io.ReadFull(stream, buf)
				} else {
					err = b.fetch(ctx, off, buf)
				}
				res <- chunkResult{buf, err}
			}(off)
		}
	}()
	var written int64
	var err error
	for res := range order {
		r := <-res
		if err == nil && r.err != nil {
			err = r.err
			cancel()
		}
		if err == nil {
			var n int
			n, err = w.Write(r.buf)
			written += int64(n)
			b.pos = start + written
			if err != nil {
				cancel()
			}
		}
		select {
		case pool <- r.buf[:0]:
		default:
		}
	}
	wg.Wait()
	if stream != nil {
		// The open response served the first chunk: of no further use.
		stream.Close()
		b.rc = nil
	}
	return written, err
}

// fetch reads len(buf) bytes at off of the same version of the blob.
func (b *body) fetch(ctx context.Context, off int64, buf []byte) error {
	rc, err := b.open(ctx, off, int64(len(buf)))
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.ReadFull(rc, buf)
	return err
}

// changedError: the blob was replaced after it was opened, so the version
// being read no longer exists. It matches storage.ErrChanged.
type changedError struct{ err error }

func (e *changedError) Error() string {
	return "azure: the blob changed since it was opened: " + e.err.Error()
}
func (e *changedError) Unwrap() error        { return e.err }
func (e *changedError) Is(target error) bool { return target == storage.ErrChanged }
