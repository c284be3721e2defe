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
// The body of a read to the end implements io.WriterTo with parallel ranged
// downloads (see [Config.Concurrency]).
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
	body := &body{
		d:    d,
		bc:   bc,
		ctx:  ctx,
		rc:   resp.NewRetryReader(ctx, nil),
		pos:  offset,
		end:  a.Size,
		etag: resp.ETag,
	}
	if length > 0 {
		body.end = min(a.Size, offset+length)
	}
	return body, a, nil
}

func downloadAttrs(r *blob.DownloadResponse) *storage.Attributes {
	a := &storage.Attributes{
		ContentType:        deref(r.ContentType),
		CacheControl:       deref(r.CacheControl),
		ContentDisposition: deref(r.ContentDisposition),
		ContentEncoding:    deref(r.ContentEncoding),
		ContentLanguage:    deref(r.ContentLanguage),
		ETag:               etag(r.ETag),
		ModTime:            modTime(r.LastModified),
		Metadata:           decodeMetadata(r.Metadata),
	}
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
// downloads the rest in parallel ranges when it is large.
type body struct {
	d      *Driver
	bc     *blob.Client
	ctx    context.Context
	rc     io.ReadCloser
	pos    int64 // offset of the next byte rc yields
	end    int64 // offset after the last byte of the body
	etag   *azcore.ETag
	closed bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.closed {
		return 0, errClosedBody
	}
	n, err := b.rc.Read(p)
	b.pos += int64(n)
	return n, err
}

func (b *body) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	return b.rc.Close()
}

// WriteTo writes the rest of the body to w. When more than two chunks are
// left it fetches them in parallel, Concurrency at a time, each into its own
// buffer, and writes them in order: memory stays at Concurrency chunks. The
// open response serves the first chunk; the others are ranged GETs bound to
// the same version of the blob (If-Match).
func (b *body) WriteTo(w io.Writer) (int64, error) {
	if b.closed {
		return 0, errClosedBody
	}
	chunk := b.d.cfg.BlockSize
	conc := b.d.cfg.Concurrency
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
			first := off == start
			wg.Add(1)
			go func(off int64) {
				defer wg.Done()
				var err error
				if first {
					_, err = io.ReadFull(b.rc, buf)
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
	if b.pos > start {
		// The open response was read past its first chunk only by us: it
		// is of no further use.
		b.rc.Close()
		b.rc = http.NoBody
	}
	return written, err
}

// fetch reads len(buf) bytes at off of the same version of the blob.
func (b *body) fetch(ctx context.Context, off int64, buf []byte) error {
	resp, err := b.bc.DownloadStream(ctx, &blob.DownloadStreamOptions{
		Range:            blob.HTTPRange{Offset: off, Count: int64(len(buf))},
		AccessConditions: &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: b.etag}},
	})
	if err != nil {
		return err
	}
	rc := resp.NewRetryReader(ctx, nil)
	defer rc.Close()
	_, err = io.ReadFull(rc, buf)
	return err
}
