package azure

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver: one GET (ranged unless the whole object is
// asked for), whose body streams. The attributes come from the response.
// Seeks, small ReadAt calls, parallel ranged downloads (with
// [Config.DownloadConcurrency]) and resumes are the portable
// storage.Reader's, through ReadVersion.
func (d *Driver) Read(ctx context.Context, name string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	return d.read(ctx, name, "", offset, length)
}

// ReadVersion implements storage.VersionReader: Read with If-Match on the
// ETag; another version fails with a changedError (storage.ErrChanged).
func (d *Driver) ReadVersion(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
	return d.read(ctx, name, etag, offset, length)
}

func (d *Driver) read(ctx context.Context, name, etag string, offset, length int64) (io.ReadCloser, *storage.Attributes, error) {
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
	if etag != "" {
		e := azcore.ETag(etag)
		opts.AccessConditions = &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: &e}}
	}
	resp, err := d.cont.NewBlobClient(name).DownloadStream(ctx, opts)
	if etag != "" && hasStatus(err, http.StatusPreconditionFailed) {
		return nil, nil, &changedError{err}
	}
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
	return resp.Body, downloadAttrs(&resp.DownloadResponse), nil
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

// changedError: the blob was replaced after it was opened, so the version
// being read no longer exists. It matches storage.ErrChanged.
type changedError struct{ err error }

func (e *changedError) Error() string {
	return "azure: the blob changed since it was opened: " + e.err.Error()
}
func (e *changedError) Unwrap() error        { return e.err }
func (e *changedError) Is(target error) bool { return target == storage.ErrChanged }
