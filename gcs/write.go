package gcs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	gcs "cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/commitcheck"
)

// SaveOptions are the GCS-specific options of one Save. Pass a *SaveOptions
// as storage.SaveOptions.DriverOptions (see storage.OptionsFor).
type SaveOptions struct {
	// StorageClass of the new object ("STANDARD", "NEARLINE", "COLDLINE",
	// "ARCHIVE"); empty: the bucket's default.
	StorageClass string
	// KMSKeyName encrypts the object with this Cloud KMS key; empty: the
	// bucket's default encryption.
	KMSKeyName string
	// CustomTime sets the object's custom time (for lifecycle rules).
	CustomTime time.Time
	// ChunkSize overrides Config.ChunkSize for this upload (same bounds).
	ChunkSize int
}

// DriverName implements storage.DriverOptions: "gcs". Other drivers ignore
// these options.
func (*SaveOptions) DriverName() string { return "gcs" }

func driverOptions(v any) (*SaveOptions, error) {
	o, err := storage.OptionsFor[*SaveOptions]("gcs", v)
	if o == nil && err == nil {
		o = &SaveOptions{}
	}
	return o, err
}

// maxReadAhead is how much of a stream of unknown size is read before the
// driver decides between the small-object path (the bytes in memory, sent
// in one request that the SDK can retry) and the streaming path.
const maxReadAhead = 1 << 20

// Write implements storage.Driver.
//
// Objects that fit in one request (known size below the chunk size, or
// streams that end within the first MiB) are read into memory first and
// sent in one request. Larger objects stream through a resumable upload
// that buffers one chunk; the SDK computes the CRC32C while streaming and
// sends it with the final request, so the service rejects corrupted
// uploads. The upload is committed only by that final request, after r
// returned io.EOF and opts.BeforeCommit returned nil; a failure or
// cancellation before it abandons the upload session and no object
// appears. An exclusive write carries the does-not-exist precondition
// (ifGenerationMatch=0).
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	so, err := driverOptions(opts.DriverOptions)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	chunk := d.s.chunkSize
	if so.ChunkSize != 0 {
		chunk = chunkSize(so.ChunkSize)
	}

	// A known size of at least one chunk streams at once. Otherwise reserve
	// the buffers before reading: the read-ahead (for a known small size,
	// the exact object) and the SDK's chunk.
	if opts.Size >= int64(chunk) {
		reserved, err := d.s.budget.Reserve(ctx, int64(chunk))
		if err != nil {
			return err
		}
		defer d.s.budget.Release(reserved)
		return d.writeStream(ctx, name, r, chunk, opts, so)
	}
	limit, sdkBuf := int64(min(chunk, maxReadAhead)), int64(chunk)
	if opts.Size >= 0 {
		limit = opts.Size + 1
		sdkBuf = int64(roundUp(int(limit)+1, MinChunkSize))
	}
	reserved, err := d.s.budget.Reserve(ctx, limit+sdkBuf)
	if err != nil {
		return err
	}
	defer func() { d.s.budget.Release(reserved) }()

	head, eof, err := readHead(ctx, r, limit, opts.Size)
	if err != nil {
		return err
	}
	if eof {
		// Small object: give back what the SDK's chunk will not need.
		need := int64(len(head)) + int64(roundUp(len(head)+1, MinChunkSize))
		if need < reserved {
			d.s.budget.Release(reserved - need)
			reserved = need
		}
		return d.writeSmall(ctx, name, head, opts, so)
	}
	if more := min(limit+int64(chunk), d.s.budget.Size()) - reserved; more > 0 {
		// r yielded more than opts.Size promised: reserve a whole chunk.
		got, err := d.s.budget.Reserve(ctx, more)
		if err != nil {
			return err
		}
		reserved += got
	}
	return d.writeStream(ctx, name, io.MultiReader(bytes.NewReader(head), r), chunk, opts, so)
}

// readHead reads up to limit bytes of r and reports whether r ended.
func readHead(ctx context.Context, r io.Reader, limit, size int64) ([]byte, bool, error) {
	initial := min(limit, 64<<10)
	if size >= 0 {
		initial = min(size+1, limit)
	}
	buf := make([]byte, 0, initial)
	for int64(len(buf)) < limit {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(2*int64(cap(buf)), limit))
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	return buf, false, nil
}

func (d *Driver) writeSmall(ctx context.Context, name string, data []byte, opts *storage.WriteOptions, so *SaveOptions) error {
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(); err != nil {
			return err
		}
	}
	chunk := roundUp(len(data)+1, MinChunkSize) // one request, SDK retries
	if err := d.upload(ctx, name, bytes.NewReader(data), chunk, opts, so, nil); err != nil {
		return d.uploadError(ctx, err, opts, so)
	}
	return nil
}

func (d *Driver) writeStream(ctx context.Context, name string, body io.Reader, chunk int, opts *storage.WriteOptions, so *SaveOptions) error {
	if err := d.upload(ctx, name, body, chunk, opts, so, opts.BeforeCommit); err != nil {
		return d.uploadError(ctx, err, opts, so)
	}
	return nil
}

// upload runs one SDK upload of body. The object is committed by Close; on
// any error before it, or when beforeCommit fails, the writer's context is
// cancelled first so the SDK abandons the session without committing.
func (d *Driver) upload(ctx context.Context, name string, body io.Reader, chunk int, opts *storage.WriteOptions, so *SaveOptions, beforeCommit func() error) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The object handle's retry settings are its own copy of the bucket's;
	// the error function notes whether the SDK retried, which makes a 412
	// on the does-not-exist condition ambiguous (see outcomeUnknown).
	var retried atomic.Bool
	o := d.bucket.Object(name).Retryer(gcs.WithErrorFunc(attemptBound(d.s.maxAttempts, &retried)))
	if opts.Exclusive {
		o = o.If(gcs.Conditions{DoesNotExist: true})
	}
	w := o.NewWriter(wctx)
	w.ChunkSize = chunk
	w.ContentType = opts.ContentType
	w.CacheControl = noTransform(opts.CacheControl, opts.ContentEncoding)
	w.ContentDisposition = opts.ContentDisposition
	w.ContentEncoding = opts.ContentEncoding
	w.ContentLanguage = opts.ContentLanguage
	w.Metadata = cloneMeta(opts.Metadata)
	w.StorageClass = so.StorageClass
	w.KMSKeyName = so.KMSKeyName
	w.CustomTime = so.CustomTime
	if opts.Public || d.s.public {
		w.PredefinedACL = "publicRead"
	}
	abort := func(err error) error {
		cancel()
		_ = w.Close() // waits for the SDK's goroutine; reports the cancellation
		return err
	}
	start := time.Now()
	crc := crc32.New(castagnoli)
	n, err := io.Copy(w, io.TeeReader(body, crc))
	if err != nil {
		return abort(err)
	}
	if beforeCommit != nil {
		if err := beforeCommit(); err != nil {
			return abort(err)
		}
	}
	err = w.Close()
	if outcomeUnknown(ctx, err, retried.Load()) && d.committed(ctx, name, crc.Sum32(), n, start) {
		return nil
	}
	return err
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// The final request of an upload whose answer was lost may have committed
// it (see package commitcheck): the driver then looks, and an object of the
// same size and CRC32C created since the upload began is this upload's.

// outcomeUnknown is commitcheck.Unknown for an upload that returned err;
// retried says whether the SDK retried a request of it.
func outcomeUnknown(ctx context.Context, err error, retried bool) bool {
	status := 0
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		status = ge.Code
	}
	return commitcheck.Unknown(ctx, err, status, retried)
}

// committed reports whether name holds an object of size bytes with the
// given CRC32C, created since start (commitcheck.Since).
func (d *Driver) committed(ctx context.Context, name string, crc uint32, size int64, start time.Time) bool {
	a, err := d.bucket.Object(name).Attrs(ctx)
	return err == nil && a.Size == size && a.CRC32C == crc && commitcheck.Since(a.Created, start)
}

// uploadError explains the service's refusal of a public object on a bucket
// with uniform bucket-level access, and tells a missing bucket (an upload's
// 404).
func (d *Driver) uploadError(ctx context.Context, err error, opts *storage.WriteOptions, _ *SaveOptions) error {
	var ge *googleapi.Error
	if (opts.Public || d.s.public) && errors.As(err, &ge) && ge.Code == http.StatusBadRequest &&
		strings.Contains(errorText(ge), "uniform bucket-level access") {
		return fmt.Errorf("%w: gcs: bucket %q has uniform bucket-level access, which disables object ACLs, so an object cannot be made public on its own; grant allUsers the Storage Object Viewer role on the bucket instead: %w",
			storage.ErrUnsupported, d.s.bucket, err)
	}
	return d.notFound(ctx, err)
}

// noTransform returns cacheControl with the no-transform directive added
// when the object is gzip-encoded. GCS otherwise decompresses a gzip object
// for every request without "Accept-Encoding: gzip" (decompressive
// transcoding), so a public or signed URL would serve other bytes than those
// stored, and ignore ranges; with no-transform it serves the stored bytes to
// every request (https://cloud.google.com/storage/docs/transcoding). The
// driver's own reads ask for the stored bytes either way (ReadCompressed).
func noTransform(cacheControl, contentEncoding string) string {
	gz := false
	for _, e := range strings.Split(contentEncoding, ",") {
		gz = gz || strings.EqualFold(strings.TrimSpace(e), "gzip")
	}
	if !gz {
		return cacheControl
	}
	for _, d := range strings.Split(cacheControl, ",") {
		if strings.EqualFold(strings.TrimSpace(d), "no-transform") {
			return cacheControl
		}
	}
	if strings.TrimSpace(cacheControl) == "" {
		return "no-transform"
	}
	return cacheControl + ", no-transform"
}
