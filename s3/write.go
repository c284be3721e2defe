package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/backoff"
)

// Write implements storage.Driver. See the package documentation for the
// upload strategies.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	p, err := d.params(opts)
	if err != nil {
		return err
	}
	w := &writer{d: d, opts: opts, p: p}
	if ra, off, size, ok := storage.ReaderAtOf(r); ok {
		d.fromInput.Add(1)
		err := w.seekable(ctx, name, ra, off, size)
		if err == nil {
			_, err = r.(io.Seeker).Seek(off+size, io.SeekStart)
		}
		return err
	}
	return w.stream(ctx, name, r)
}

// partSize returns the part size for an object of size bytes (-1: unknown).
func (d *Driver) partSizeFor(size int64) int64 {
	ps := d.partSize
	if size > ps*maxParts {
		ps = (size + maxParts - 1) / maxParts
		ps = (ps + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB
	}
	return ps
}

// writer is one Write.
type writer struct {
	d          *Driver
	opts       *storage.WriteOptions
	p          *objectParams
	committing bool // BeforeCommit was called

	copySource string  // multipart copy: parts are ranges of this source
	copyETag   *string // the source's ETag
}

func (w *writer) beforeCommit() error {
	if w.committing || w.opts.BeforeCommit == nil {
		return nil
	}
	w.committing = true
	return w.opts.BeforeCommit()
}

func (w *writer) seekable(ctx context.Context, name string, ra io.ReaderAt, off, size int64) error {
	ps := w.d.partSizeFor(size)
	if size <= ps {
		if err := w.beforeCommit(); err != nil {
			return err
		}
		return w.put(ctx, name, func() io.ReadSeeker { return newSection(ra, off, size) }, size)
	}
	n, i := (size+ps-1)/ps, int64(0)
	return w.multipart(ctx, name, func(context.Context) (*part, error) {
		if i == n {
			return nil, nil
		}
		o, l := off+i*ps, min(ps, size-i*ps)
		i++
		return &part{size: l, open: func() io.ReadSeeker { return newSection(ra, o, l) }}, nil
	})
}

func (w *writer) stream(ctx context.Context, name string, r io.Reader) error {
	ps := w.d.partSizeFor(w.opts.Size)
	sp := &streamParts{r: r, budget: w.d.budget, partSize: ps, firstSize: ps}
	if w.opts.Size >= 0 && w.opts.Size < ps {
		sp.firstSize = w.opts.Size + 1 // +1: room to see EOF
	}
	first, err := sp.next(ctx)
	if err != nil {
		return err
	}
	if sp.eof {
		defer first.release()
		if err := w.beforeCommit(); err != nil {
			return err
		}
		return w.put(ctx, name, first.open, first.size)
	}
	next := func(ctx context.Context) (*part, error) {
		if first != nil {
			p := first
			first = nil
			return p, nil
		}
		return sp.next(ctx)
	}
	err = w.multipart(ctx, name, next)
	if first != nil {
		first.release()
	}
	return err
}

// put sends one PutObject, conditional when the write is exclusive.
func (w *writer) put(ctx context.Context, name string, body func() io.ReadSeeker, size int64) error {
	p := w.p
	for retry := 0; ; {
		in := &s3.PutObjectInput{
			Bucket:               &w.d.cfg.Bucket,
			Key:                  aws.String(name),
			Body:                 body(),
			ContentLength:        aws.Int64(size),
			ContentType:          p.contentType,
			CacheControl:         p.cacheControl,
			ContentDisposition:   p.contentDisposition,
			ContentEncoding:      p.contentEncoding,
			ContentLanguage:      p.contentLanguage,
			Metadata:             p.metadata,
			StorageClass:         p.storageClass,
			ServerSideEncryption: p.sse,
			SSEKMSKeyId:          p.kmsKey,
			ACL:                  p.acl,
			Tagging:              p.tagging,
			ChecksumAlgorithm:    types.ChecksumAlgorithmCrc32c,
		}
		if w.opts.Exclusive {
			in.IfNoneMatch = aws.String("*")
		}
		var tries attempts
		start := time.Now()
		_, err := w.d.client.PutObject(ctx, in, tries.option)
		if outcomeUnknown(ctx, err, &tries) {
			if etag, ok := bodyETag(body()); ok && w.d.committed(ctx, name, etag, size, start) {
				return nil
			}
		}
		switch {
		case err == nil:
			return nil
		case w.opts.Exclusive && isConditionalConflict(err) && retry < 5:
			// A concurrent conditional write to the name is in flight:
			// S3 asks to retry.
			retry++
			if err := backoff.Sleep(ctx, time.Duration(retry)*50*time.Millisecond); err != nil {
				return err
			}
		default:
			return w.d.mapACLError(err)
		}
	}
}

// part is one part of an upload.
type part struct {
	size      int64
	open      func() io.ReadSeeker
	release   func() // nil: nothing to release
	copyRange string // multipart copy: the source's byte range
}

func (p *part) free() {
	if p.release != nil {
		p.release()
		p.release = nil
	}
}

// streamParts cuts a stream into parts held in budget buffers.
type streamParts struct {
	r         io.Reader
	budget    *storage.Budget
	partSize  int64
	firstSize int64 // size of the first buffer: smaller for a small known size
	carry     [1]byte
	carried   bool // carry holds the first byte of the next part
	eof       bool
	n         int
}

// next reads the next part. After the last one, eof is set; a stream that
// ends on a part boundary is detected by reading one byte ahead, so an
// object of exactly one part is still sent with one PutObject.
func (s *streamParts) next(ctx context.Context) (*part, error) {
	if s.eof {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.n == maxParts {
		return nil, fmt.Errorf("%w: s3: stream longer than %d parts of %d bytes; give SaveOptions.Size", storage.ErrInvalidArgument, maxParts, s.partSize)
	}
	size := s.partSize
	if s.n == 0 {
		size = s.firstSize
	}
	buf, err := s.budget.Get(ctx, size)
	if err != nil {
		return nil, err
	}
	n := 0
	if s.carried {
		buf[0], n, s.carried = s.carry[0], 1, false
	}
	for {
		m, err := io.ReadFull(s.r, buf[n:])
		n += m
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			s.eof = true
			break
		}
		if err != nil {
			s.budget.Put(buf)
			return nil, err
		}
		if int64(len(buf)) < s.partSize {
			// A small first buffer (known size) is full: the size was
			// wrong; continue in a whole part.
			big, err := s.budget.Get(ctx, s.partSize)
			if err != nil {
				s.budget.Put(buf)
				return nil, err
			}
			copy(big, buf[:n])
			s.budget.Put(buf)
			buf = big
			continue
		}
		k, err := io.ReadFull(s.r, s.carry[:])
		if k == 1 {
			s.carried = true
		} else if err == io.EOF {
			s.eof = true
		} else {
			s.budget.Put(buf)
			return nil, err
		}
		break
	}
	s.n++
	data := buf[:n]
	return &part{
		size:    int64(n),
		open:    func() io.ReadSeeker { return bytes.NewReader(data) },
		release: func() { s.budget.Put(buf) },
	}, nil
}

// multipart uploads the parts next yields, Concurrency at a time, and
// completes the upload (conditionally when the write is exclusive). On any
// failure or cancellation it aborts the upload with a fresh context.
func (w *writer) multipart(ctx context.Context, name string, next func(context.Context) (*part, error)) (err error) {
	d, p := w.d, w.p
	algo := types.ChecksumAlgorithmCrc32c
	if w.copySource != "" {
		algo = ""
	}
	create, err := d.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:               &d.cfg.Bucket,
		Key:                  aws.String(name),
		ContentType:          p.contentType,
		CacheControl:         p.cacheControl,
		ContentDisposition:   p.contentDisposition,
		ContentEncoding:      p.contentEncoding,
		ContentLanguage:      p.contentLanguage,
		Metadata:             p.metadata,
		StorageClass:         p.storageClass,
		ServerSideEncryption: p.sse,
		SSEKMSKeyId:          p.kmsKey,
		ACL:                  p.acl,
		Tagging:              p.tagging,
		ChecksumAlgorithm:    algo,
	})
	if err != nil {
		return d.mapACLError(err)
	}
	id := create.UploadId
	defer func() {
		if err != nil {
			if aerr := d.abort(ctx, name, id); aerr != nil {
				err = errors.Join(err, fmt.Errorf("s3: aborting multipart upload: %w", aerr))
			}
		}
	}()

	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		parts = &completedParts{}
		slots = make(chan struct{}, d.conc)
		num   int32
		nerr  error
	)
	for nerr == nil {
		select {
		case slots <- struct{}{}:
		case <-pctx.Done():
			nerr = context.Cause(pctx)
			continue
		}
		pt, err := next(pctx)
		if err != nil || pt == nil {
			<-slots
			nerr = err
			break
		}
		num++
		parts.wg.Add(1)
		go func(num int32, pt *part) {
			defer parts.wg.Done()
			defer func() { <-slots }()
			defer pt.free()
			if pt.copyRange != "" {
				out, err := d.client.UploadPartCopy(pctx, &s3.UploadPartCopyInput{
					Bucket:            &d.cfg.Bucket,
					Key:               aws.String(name),
					UploadId:          id,
					PartNumber:        aws.Int32(num),
					CopySource:        aws.String(w.copySource),
					CopySourceRange:   aws.String(pt.copyRange),
					CopySourceIfMatch: w.copyETag,
				})
				if err != nil {
					cancel(err)
					return
				}
				parts.add(types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.CopyPartResult.ETag}, pt.size)
				return
			}
			out, err := d.client.UploadPart(pctx, &s3.UploadPartInput{
				Bucket:            &d.cfg.Bucket,
				Key:               aws.String(name),
				UploadId:          id,
				PartNumber:        aws.Int32(num),
				Body:              pt.open(),
				ContentLength:     aws.Int64(pt.size),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
			})
			if err != nil {
				cancel(err)
				return
			}
			parts.add(types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.ETag, ChecksumCRC32C: out.ChecksumCRC32C}, pt.size)
		}(num, pt)
	}
	parts.wg.Wait()
	// A failed part cancels pctx with its error as the cause: report that,
	// not the cancellation it caused elsewhere.
	if cause := context.Cause(pctx); cause != nil && (nerr == nil || errors.Is(nerr, context.Canceled)) {
		nerr = cause
	}
	if nerr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return nerr
	}
	if err := w.beforeCommit(); err != nil {
		return err
	}
	in := &s3.CompleteMultipartUploadInput{
		Bucket:          &d.cfg.Bucket,
		Key:             aws.String(name),
		UploadId:        id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts.sorted()},
	}
	if w.opts.Exclusive {
		in.IfNoneMatch = aws.String("*")
	}
	var tries attempts
	start := time.Now()
	_, err = d.client.CompleteMultipartUpload(ctx, in, tries.option)
	if outcomeUnknown(ctx, err, &tries) {
		if etag, ok := multipartETag(in.MultipartUpload.Parts); ok && d.committed(ctx, name, etag, parts.size, start) {
			return nil
		}
	}
	return err
}

// abort aborts a multipart upload with a context that is not cancelled with
// ctx, so a cancelled upload still leaves no parts behind.
func (d *Driver) abort(ctx context.Context, name string, id *string) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, err := d.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
		Bucket: &d.cfg.Bucket, Key: aws.String(name), UploadId: id,
	})
	if isNotFound(err) {
		return nil
	}
	return err
}

// completedParts collects the parts uploaded so far.
type completedParts struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	parts []types.CompletedPart
	size  int64 // bytes in the parts
}

func (c *completedParts) add(p types.CompletedPart, size int64) {
	c.mu.Lock()
	c.parts = append(c.parts, p)
	c.size += size
	c.mu.Unlock()
}

func (c *completedParts) sorted() []types.CompletedPart {
	slices.SortFunc(c.parts, func(a, b types.CompletedPart) int { return int(*a.PartNumber - *b.PartNumber) })
	return c.parts
}
