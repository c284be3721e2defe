package gocloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/gcerrors"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/asptr"
	"github.com/go-storages/storage/internal/metamap"
)

// OpenBucket returns a gocloud.dev bucket over st: the reverse of [New].
// Code written against gocloud.dev/blob keeps its *blob.Bucket and gets
// any go-storages driver (or wrapper) behind it. Closing the bucket does not
// close st, which the caller keeps owning.
//
//	st, err := s3.New(ctx, s3.Config{Bucket: "media"})
//	b := gocloud.OpenBucket(st)
//	err = b.WriteAll(ctx, "a.txt", []byte("hi"), nil)
//
// See [BucketDriver] for how gocloud.dev's contract maps onto storage's.
func OpenBucket(st *storage.Storage) *blob.Bucket { return blob.NewBucket(NewBucketDriver(st)) }

// BucketDriver is a gocloud.dev driver.Bucket over a *storage.Storage.
// gocloud.dev's own conformance suite (gocloud.dev/blob/drivertest) passes
// over it on every driver of this module; the differences of contract are:
//
//   - Keys. gocloud.dev keys are any UTF-8 string, storage names are not:
//     a key with a backslash, a control character, a "." or ".." segment or
//     an empty segment (leading, trailing or doubled "/") is stored under an
//     escaped name ("__0x5c__" for a backslash, "__0x__" for an empty
//     segment), which is what the storage's other users, its URLs and
//     listings show. Listings are sorted by stored name, which is key order
//     for keys without escapes.
//   - Metadata. Keys outside a-z, 0-9, "-" and "_" and control characters
//     in values are escaped the same way, and decoded when read; a value
//     written by another storage user that happens to contain "__0x..__"
//     is decoded too.
//   - Writes. A write replaces the object (storage.Overwrite);
//     WriterOptions.IfNotExist uses storage.Fail, atomic where the driver
//     declares ConditionalCreate. ContentMD5 is verified by storage before
//     the object becomes visible. BufferSize and MaxConcurrency are ignored
//     (the storage's driver sizes its uploads). Upload hands the caller's
//     reader to Save as it is, so a file or a bytes.Reader keeps its
//     seekable fast paths.
//   - Reads. A range read opens the object (one request) and seeks, so a
//     range not starting at 0 costs a second, version-pinned request.
//   - Delete of a missing object is NotFound, as gocloud.dev requires: the
//     driver asks Exists first (storage's Delete is idempotent), so a
//     concurrent delete between the two is not seen.
//   - Signed URLs: GET and PUT as the storage signs them (natively or
//     through storage.WithSigner); a PUT with a ContentType only where the
//     storage declares SignedPutContentType; DELETE and
//     EnforceAbsentContentType are Unimplemented.
//   - Listings with a delimiter other than "/" are grouped in this process
//     from a recursive listing. A page token is the last stored name of the
//     previous page, where the next page resumes (storage.ListOptions
//     StartAfter: natively on S3, GCS, memory and the filesystem).
//   - Errors map by kind: ErrNotExist and ErrBucketNotExist are NotFound,
//     ErrExist, ErrChecksum and ErrChanged FailedPrecondition,
//     ErrInvalidName and ErrInvalidArgument InvalidArgument, ErrPermission
//     PermissionDenied, ErrUnsupported Unimplemented. ErrorAs reaches
//     *storage.Error and the storage driver's own errors; As gives the
//     *storage.Storage (As(&st) with st a *storage.Storage).
type BucketDriver struct {
	st *storage.Storage
}

// NewBucketDriver returns the driver; blob.NewBucket(NewBucketDriver(st))
// is [OpenBucket].
func NewBucketDriver(st *storage.Storage) *BucketDriver { return &BucketDriver{st: st} }

var _ driver.Bucket = (*BucketDriver)(nil)

// asNothing is the asFunc of the Before* callbacks: the storage's requests
// are not exposed (they differ per driver and are built inside Storage).
func asNothing(any) bool { return false }

// ErrorCode maps a storage error to gocloud.dev's codes.
func (d *BucketDriver) ErrorCode(err error) gcerrors.ErrorCode {
	switch {
	case errors.Is(err, storage.ErrNotExist), errors.Is(err, storage.ErrBucketNotExist):
		return gcerrors.NotFound
	case errors.Is(err, storage.ErrExist), errors.Is(err, storage.ErrChecksum), errors.Is(err, storage.ErrChanged):
		return gcerrors.FailedPrecondition
	case errors.Is(err, storage.ErrInvalidName), errors.Is(err, storage.ErrInvalidArgument):
		return gcerrors.InvalidArgument
	case errors.Is(err, storage.ErrPermission):
		return gcerrors.PermissionDenied
	case errors.Is(err, storage.ErrUnsupported):
		return gcerrors.Unimplemented
	case errors.Is(err, context.Canceled):
		return gcerrors.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return gcerrors.DeadlineExceeded
	}
	return gcerrors.Unknown
}

// As gives the *storage.Storage.
func (d *BucketDriver) As(i any) bool { return asptr.Set(i, d.st) }

// ErrorAs is errors.As.
func (d *BucketDriver) ErrorAs(err error, i any) bool { return errors.As(err, i) }

// Attributes is storage.Stat.
func (d *BucketDriver) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	a, err := d.st.Stat(ctx, escapeKey(key))
	if err != nil {
		return nil, err
	}
	return &driver.Attributes{
		CacheControl:       a.CacheControl,
		ContentDisposition: a.ContentDisposition,
		ContentEncoding:    a.ContentEncoding,
		ContentLanguage:    a.ContentLanguage,
		ContentType:        contentType(a.ContentType),
		Metadata:           unescapeMetadata(a.Metadata),
		ModTime:            a.ModTime,
		Size:               a.Size,
		MD5:                a.Checksums.MD5,
		ETag:               a.ETag,
		AsFunc:             func(i any) bool { return asAttributes(a, i) },
	}, nil
}

// asAttributes gives the *storage.Attributes.
func asAttributes(a *storage.Attributes, i any) bool { return asptr.Set(i, a) }

func contentType(ct string) string {
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}

func unescapeMetadata(m map[string]string) map[string]string {
	return metamap.Map(m, unescapeText, unescapeText)
}

// NewRangeReader opens the object with storage.Open and seeks to offset.
func (d *BucketDriver) NewRangeReader(ctx context.Context, key string, offset, length int64, opts *driver.ReaderOptions) (driver.Reader, error) {
	r, err := d.st.Open(ctx, escapeKey(key))
	if err != nil {
		return nil, err
	}
	if offset > 0 {
		if _, err := r.Seek(offset, io.SeekStart); err != nil {
			r.Close()
			return nil, err
		}
	}
	if opts.BeforeRead != nil {
		if err := opts.BeforeRead(func(i any) bool {
			p, ok := i.(**storage.Reader)
			if ok {
				*p = r
			}
			return ok
		}); err != nil {
			r.Close()
			return nil, err
		}
	}
	a := r.Attributes()
	rd := &reader{r: r, body: r, attrs: driver.ReaderAttributes{ContentType: contentType(a.ContentType), ModTime: a.ModTime, Size: a.Size}}
	if length >= 0 {
		rd.body = io.LimitReader(r, length)
	}
	return rd, nil
}

type reader struct {
	r     *storage.Reader
	body  io.Reader
	attrs driver.ReaderAttributes
}

func (r *reader) Read(p []byte) (int, error)           { return r.body.Read(p) }
func (r *reader) Close() error                         { return r.r.Close() }
func (r *reader) Attributes() *driver.ReaderAttributes { return &r.attrs }

// Download is the storage reader's WriteTo (parallel ranged reads where the
// driver has them); gocloud.dev calls it only for whole reads.
func (r *reader) Download(w io.Writer) error {
	_, err := r.r.WriteTo(w)
	return err
}

// As gives the *storage.Reader.
func (r *reader) As(i any) bool { return asptr.Set(i, r.r) }

// NewTypedWriter returns a writer whose bytes stream into storage.Save.
func (d *BucketDriver) NewTypedWriter(ctx context.Context, key, ct string, opts *driver.WriterOptions) (driver.Writer, error) {
	meta := make(map[string]string, len(opts.Metadata))
	for k, v := range opts.Metadata {
		meta[escapeMetaKey(k)] = escapeMetaValue(v)
	}
	if ct == "" && opts.DisableContentTypeDetection {
		ct = "application/octet-stream"
	}
	so := storage.SaveOptions{
		ContentType:        ct,
		CacheControl:       opts.CacheControl,
		ContentDisposition: opts.ContentDisposition,
		ContentEncoding:    opts.ContentEncoding,
		ContentLanguage:    opts.ContentLanguage,
		Metadata:           meta,
		Checksums:          storage.Checksums{MD5: opts.ContentMD5},
		Conflict:           storage.Overwrite,
	}
	if opts.IfNotExist {
		so.Conflict = storage.Fail
	}
	if opts.BeforeWrite != nil {
		if err := opts.BeforeWrite(asNothing); err != nil {
			return nil, err
		}
	}
	return &writer{ctx: ctx, st: d.st, name: escapeKey(key), opts: so}, nil
}

// errCommitted fails a Write after Save returned (it cannot, before Close).
var errCommitted = errors.New("gocloud: write already committed")

// writer streams Write calls through a pipe into a Save running in its own
// goroutine from the first Write; Upload calls Save directly.
type writer struct {
	ctx  context.Context
	st   *storage.Storage
	name string
	opts storage.SaveOptions

	pw       *io.PipeWriter
	done     chan struct{}
	err      error // of Save, once done is closed
	uploaded bool
}

func (w *writer) start() {
	pr, pw := io.Pipe()
	w.pw, w.done = pw, make(chan struct{})
	go func() {
		_, err := w.st.Save(w.ctx, w.name, pr, w.opts)
		w.err = err
		if err == nil {
			err = errCommitted
		}
		pr.CloseWithError(err)
		close(w.done)
	}()
}

func (w *writer) Write(p []byte) (int, error) {
	if w.pw == nil {
		w.start()
	}
	return w.pw.Write(p)
}

// Upload saves r as it is (it is the only call before Close).
func (w *writer) Upload(r io.Reader) error {
	w.uploaded = true
	_, w.err = w.st.Save(w.ctx, w.name, r, w.opts)
	return w.err
}

func (w *writer) Close() error {
	if w.uploaded {
		return w.err
	}
	if w.pw == nil {
		// Nothing written: an empty object, unless the write was cancelled.
		if err := w.ctx.Err(); err != nil {
			return err
		}
		_, err := w.st.Save(w.ctx, w.name, strings.NewReader(""), w.opts)
		return err
	}
	if err := w.ctx.Err(); err != nil {
		w.pw.CloseWithError(err)
	} else {
		w.pw.Close()
	}
	<-w.done
	return w.err
}

// Copy is storage.Copy.
func (d *BucketDriver) Copy(ctx context.Context, dstKey, srcKey string, opts *driver.CopyOptions) error {
	if opts.BeforeCopy != nil {
		if err := opts.BeforeCopy(asNothing); err != nil {
			return err
		}
	}
	_, err := d.st.Copy(ctx, escapeKey(dstKey), escapeKey(srcKey), storage.CopyOptions{Conflict: storage.Overwrite})
	return err
}

// Delete deletes an existing object; a missing one is NotFound.
func (d *BucketDriver) Delete(ctx context.Context, key string, opts *driver.DeleteOptions) error {
	name := escapeKey(key)
	ok, err := d.st.Exists(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return &storage.Error{Op: "delete", Name: name, Err: storage.ErrNotExist}
	}
	if opts.BeforeDelete != nil {
		if err := opts.BeforeDelete(asNothing); err != nil {
			return err
		}
	}
	return d.st.Delete(ctx, name)
}

// SignedURL is storage.SignedURL for GET and PUT.
func (d *BucketDriver) SignedURL(ctx context.Context, key string, opts *driver.SignedURLOptions) (string, error) {
	if opts.Method == http.MethodDelete || opts.EnforceAbsentContentType {
		return "", &storage.Error{Op: "signedurl", Name: key, Err: storage.ErrUnsupported}
	}
	if opts.BeforeSign != nil {
		if err := opts.BeforeSign(asNothing); err != nil {
			return "", err
		}
	}
	return d.st.SignedURL(ctx, escapeKey(key), storage.SignOptions{Method: opts.Method, Expiry: opts.Expiry, ContentType: opts.ContentType})
}

// Close does nothing: the storage belongs to the caller.
func (d *BucketDriver) Close() error { return nil }
