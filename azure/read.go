package azure

import (
	"context"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/httprange"
)

// Read implements storage.Driver: one GET (ranged unless the whole object is
// asked for, If-Match on req.Version), whose body streams. The attributes
// come from the response. Seeks, small ReadAt calls, parallel ranged
// downloads (with [Config.DownloadConcurrency]) and resumes are the portable
// storage.Reader's.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	opts := &blob.DownloadStreamOptions{}
	if req.Offset > 0 || req.Length > 0 {
		opts.Range = blob.HTTPRange{Offset: req.Offset, Count: max(req.Length, 0)}
	}
	if req.Version != "" {
		e := azcore.ETag(req.Version)
		opts.AccessConditions = &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: &e}}
	}
	resp, err := d.cont.NewBlobClient(name).DownloadStream(ctx, opts)
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
		if n, ok := httprange.Total(*r.ContentRange); ok {
			a.Size = n
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
