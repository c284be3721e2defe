package s3

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver with one GetObject (ranged unless the whole
// object is read); the attributes come from its response.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	return d.read(ctx, name, "", offset, length)
}

// ReadVersion implements storage.VersionReader: Read with If-Match on etag,
// so the portable reader's seeks and ReadAt calls read the version it
// opened; another version fails with a changedError (storage.ErrChanged).
func (d *Driver) ReadVersion(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	return d.read(ctx, name, etag, offset, length)
}

func (d *Driver) read(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	if length == 0 {
		a, err := d.Stat(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		return io.NopCloser(strings.NewReader("")), a, nil
	}
	in := &s3.GetObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(name)}
	if offset > 0 || length > 0 {
		in.Range = aws.String(httpRange(offset, length))
	}
	if etag != "" {
		in.IfMatch = aws.String(etag)
	}
	out, err := d.client.GetObject(ctx, in)
	if err != nil {
		if etag != "" && isPreconditionFailed(err) {
			return nil, nil, &changedError{err}
		}
		if code, status := apiCode(err); code == "InvalidRange" || status == 416 {
			// Offset at or past the end (or an empty object).
			a, serr := d.Stat(ctx, name)
			if serr != nil {
				return nil, nil, serr
			}
			if offset >= a.Size {
				return io.NopCloser(strings.NewReader("")), a, nil
			}
		}
		return nil, nil, err
	}
	a := &storage.Attributes{
		Size:               aws.ToInt64(out.ContentLength),
		ModTime:            aws.ToTime(out.LastModified).UTC(),
		ContentType:        aws.ToString(out.ContentType),
		CacheControl:       aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition),
		ContentEncoding:    aws.ToString(out.ContentEncoding),
		ContentLanguage:    aws.ToString(out.ContentLanguage),
		ETag:               aws.ToString(out.ETag),
		Metadata:           decodeMetadata(out.Metadata),
	}
	if total, ok := rangeTotal(aws.ToString(out.ContentRange)); ok {
		a.Size = total
	}
	a.Checksums.MD5 = etagMD5(a.ETag, out.ServerSideEncryption, out.SSECustomerAlgorithm)
	if in.Range == nil {
		a.Checksums.CRC32C = fullCRC32C(out.ChecksumCRC32C, out.ChecksumType)
	}
	if in.Range == nil && a.Size <= randomAccessMax {
		return &smallBody{d: d, ctx: ctx, name: name, etag: a.ETag, size: a.Size, rc: out.Body}, a, nil
	}
	end := a.Size
	if length > 0 && offset+length < end {
		end = offset + length
	}
	return &body{d: d, ctx: ctx, name: name, etag: a.ETag, rc: out.Body, pos: offset, end: end}, a, nil
}

func httpRange(offset, length int64) string {
	if length < 0 {
		return "bytes=" + strconv.FormatInt(offset, 10) + "-"
	}
	return "bytes=" + strconv.FormatInt(offset, 10) + "-" + strconv.FormatInt(offset+length-1, 10)
}

// rangeTotal parses the total of a Content-Range "bytes a-b/total".
func rangeTotal(cr string) (int64, bool) {
	i := strings.LastIndexByte(cr, '/')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(cr[i+1:], 10, 64)
	return n, err == nil
}

// etagMD5 returns the MD5 an ETag carries: S3's ETag is the MD5 of the bytes
// for objects uploaded in one part without SSE-KMS or SSE-C.
func etagMD5(etag string, sse types.ServerSideEncryption, sseC *string) []byte {
	e := strings.Trim(etag, `"`)
	if len(e) != 32 || sse == types.ServerSideEncryptionAwsKms || sse == types.ServerSideEncryptionAwsKmsDsse || sseC != nil {
		return nil
	}
	b, err := hex.DecodeString(e)
	if err != nil {
		return nil
	}
	return b
}

// fullCRC32C returns a whole-object CRC32C (not a composite of parts).
func fullCRC32C(v *string, typ types.ChecksumType) []byte {
	if v == nil || typ == types.ChecksumTypeComposite || strings.Contains(*v, "-") {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(*v)
	if err != nil || len(b) != 4 {
		return nil
	}
	return b
}

// Stat implements storage.Driver with one HeadObject.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	out, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: &d.cfg.Bucket, Key: aws.String(name), ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return nil, d.headNotFound(ctx, err)
	}
	a := &storage.Attributes{
		Size:               aws.ToInt64(out.ContentLength),
		ModTime:            aws.ToTime(out.LastModified).UTC(),
		ContentType:        aws.ToString(out.ContentType),
		CacheControl:       aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition),
		ContentEncoding:    aws.ToString(out.ContentEncoding),
		ContentLanguage:    aws.ToString(out.ContentLanguage),
		ETag:               aws.ToString(out.ETag),
		Metadata:           decodeMetadata(out.Metadata),
	}
	a.Checksums.MD5 = etagMD5(a.ETag, out.ServerSideEncryption, out.SSECustomerAlgorithm)
	a.Checksums.CRC32C = fullCRC32C(out.ChecksumCRC32C, out.ChecksumType)
	return a, nil
}

// body is the stream Read returns. Its WriteTo downloads what is left with
// parallel ranged GETs when that is large enough; so does Read once the
// caller has read two download parts in a row (a reader that only peeks at
// a large object costs no prefetch).
type body struct {
	d    *Driver
	ctx  context.Context
	name string
	etag string
	rc   io.ReadCloser // nil: reopen at pos on the next Read
	pos  int64         // absolute offset of the next byte
	end  int64         // absolute end (exclusive)
	seq  int64         // bytes read in a row from rc

	resumed int // broken streams reopened so far

	pipe *io.PipeReader // parallel download feeding Read, once started
	stop func()         // stops it and waits for it
}

func (b *body) Read(p []byte) (int, error) {
	if b.pipe == nil && b.rc != nil && b.seq >= 2*b.d.dlPart && b.parallelWorth() {
		b.startPipe()
	}
	if b.pipe != nil {
		n, err := b.pipe.Read(p)
		b.pos += int64(n)
		return n, err
	}
	if b.pos >= b.end {
		return 0, io.EOF
	}
	if b.rc == nil {
		rc, err := b.d.getRange(b.ctx, b.name, b.etag, b.pos, b.end-b.pos)
		if err != nil {
			return 0, err
		}
		b.rc, b.seq = rc, 0
	}
	n, err := b.rc.Read(p)
	b.pos += int64(n)
	b.seq += int64(n)
	if err == io.EOF && b.pos < b.end {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && err != io.EOF && b.resumable(err) {
		// The stream broke: go on with a ranged GET of the same version
		// (If-Match), which fails with changedError if it is gone.
		b.rc.Close()
		b.rc = nil
		b.resumed++
		if n > 0 {
			return n, nil
		}
		return b.Read(p)
	}
	return n, err
}

// maxResume bounds how many times one body reopens a broken stream.
const maxResume = 3

func (b *body) resumable(err error) bool {
	return b.etag != "" && b.resumed < maxResume && b.ctx.Err() == nil && !errors.Is(err, context.Canceled)
}

func (b *body) parallelWorth() bool {
	return b.d.dlConc > 1 && b.end-b.pos >= 2*b.d.dlPart && b.etag != ""
}

// startPipe moves the rest of the download to a parallel copy into a pipe
// that Read drains.
func (b *body) startPipe() {
	ctx, cancel := context.WithCancel(b.ctx)
	pr, pw := io.Pipe()
	done := make(chan struct{})
	rc, start := b.rc, b.pos
	b.rc = nil
	go func() {
		defer close(done)
		_, err := b.parallel(ctx, rc, start, pw)
		pw.CloseWithError(err)
	}()
	b.pipe = pr
	b.stop = func() {
		pr.Close()
		cancel()
		<-done
	}
}

func (b *body) Close() error {
	if b.stop != nil {
		b.stop()
		b.stop = nil
	}
	if b.rc == nil {
		return nil
	}
	err := b.rc.Close()
	b.rc = nil
	return err
}

// getRange opens length bytes at offset of the object whose ETag is etag.
func (d *Driver) getRange(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(name), Range: aws.String(httpRange(offset, length))}
	if etag != "" {
		in.IfMatch = aws.String(etag)
	}
	out, err := d.client.GetObject(ctx, in)
	if err != nil {
		if isPreconditionFailed(err) {
			return nil, &changedError{err}
		}
		return nil, err
	}
	return out.Body, nil
}

type onlyReader struct{ io.Reader }

// WriteTo writes the rest of the object to w. Past two download parts it
// fetches DownloadPartSize ranges, DownloadConcurrency at a time, and writes
// them in order: memory stays at DownloadConcurrency buffers. The ranges are
// pinned to the ETag of the first response, so a replaced object fails
// instead of mixing versions.
func (b *body) WriteTo(w io.Writer) (int64, error) {
	if b.pipe != nil || !b.parallelWorth() {
		return io.Copy(w, onlyReader{b})
	}
	rc := b.rc
	b.rc = nil
	n, err := b.parallel(b.ctx, rc, b.pos, w)
	b.pos += n
	return n, err
}

// parallel copies [start, end) to w with parallel ranged GETs; rc, when
// not nil, is an open stream at start that serves the first part. It
// touches no field of b that Read changes.
func (b *body) parallel(parent context.Context, rc io.ReadCloser, start int64, w io.Writer) (int64, error) {
	d := b.d
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	type chunk struct {
		off, n int64
		buf    []byte
		done   chan error
	}
	free := make(chan []byte, d.dlConc)
	for range d.dlConc {
		free <- nil
	}
	queue := make(chan *chunk, d.dlConc)
	go func() {
		defer close(queue)
		for off := start; off < b.end; off += d.dlPart {
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			n := min(d.dlPart, b.end-off)
			if buf == nil {
				buf = make([]byte, d.dlPart)
			}
			c := &chunk{off: off, n: n, buf: buf, done: make(chan error, 1)}
			queue <- c // never blocks: at most dlConc chunks exist
			src := rc
			rc = nil
			go func() {
				opened := src != nil
				if src == nil {
					var err error
					if src, err = d.getRange(ctx, b.name, b.etag, c.off, c.n); err != nil {
						c.done <- err
						return
					}
				}
				_, err := io.ReadFull(src, c.buf[:c.n])
				src.Close()
				if err != nil && opened && ctx.Err() == nil {
					// The stream Read opened broke: fetch the part again,
					// pinned to its version like the others.
					if src, err = d.getRange(ctx, b.name, b.etag, c.off, c.n); err == nil {
						_, err = io.ReadFull(src, c.buf[:c.n])
						src.Close()
					}
				}
				c.done <- err
			}()
		}
	}()
	var total int64
	var werr error
	for c := range queue {
		err := <-c.done
		if werr == nil && err != nil {
			werr = err
		}
		if werr == nil {
			var n int
			n, werr = w.Write(c.buf[:c.n])
			total += int64(n)
		}
		if werr != nil {
			cancel()
		}
		free <- c.buf
	}
	if rc != nil {
		rc.Close()
	}
	if werr != nil && errors.Is(werr, context.Canceled) && parent.Err() != nil {
		werr = parent.Err()
	}
	return total, werr
}
