package gcs

import (
	"context"
	"encoding/binary"
	"errors"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strings"

	gcs "cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/asptr"
	"github.com/go-storages/storage/internal/bucketcheck"
	"github.com/go-storages/storage/internal/googleauth"
	"github.com/go-storages/storage/internal/metamap"
)

// Driver implements storage.Driver on one Google Cloud Storage bucket. It is
// safe for concurrent use.
type Driver struct {
	s      *settings
	client *gcs.Client
	bucket *gcs.BucketHandle
	check  *bucketcheck.Checker // tells a missing bucket behind ErrObjectNotExist
}

var _ storage.Driver = (*Driver)(nil)

// Client returns the SDK client, for what the portable API does not cover.
func (d *Driver) Client() *gcs.Client { return d.client }

// Bucket returns the SDK handle on the driver's bucket.
func (d *Driver) Bucket() *gcs.BucketHandle { return d.bucket }

// As implements storage.Storage.As: a **storage.BucketHandle gets the
// bucket's handle, a **storage.Client the SDK client.
func (d *Driver) As(target any) bool {
	return asptr.Set(target, d.bucket) || asptr.Set(target, d.client)
}

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities {
	return storage.Capabilities{
		ConditionalCreate: true,
		ServerSideCopy:    true,
		Metadata:          true,
		SignedURL:         d.s.canSign,
		SignedPutURL:      d.s.canSign,
		// V4 signs the content-type header of a PUT.
		SignedPutContentType: d.s.canSign,
		PublicObjects:        true,
		Checksums:            true,
		ReadParts:            d.s.concurrency,
		ReadPartSize:         d.s.partSize,
	}
}

// object returns the handle used for every read and write: reads return the
// stored bytes as they are (no decompressive transcoding of gzip objects).
func (d *Driver) object(name string) *gcs.ObjectHandle {
	return d.bucket.Object(name).ReadCompressed(true)
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	a, err := d.object(name).Attrs(ctx)
	if err != nil {
		return nil, d.notFound(ctx, err)
	}
	return attributes(a), nil
}

// notFound resolves an object call's "not found": the SDK reports a missing
// bucket as ErrObjectNotExist too (the JSON and XML APIs answer 404 for
// both), so the bucket is asked about (see bucketcheck for the cost). Any
// other error is returned as is.
func (d *Driver) notFound(ctx context.Context, err error) error {
	var ge *googleapi.Error
	if errors.Is(err, gcs.ErrObjectNotExist) || errors.As(err, &ge) && ge.Code == http.StatusNotFound {
		return d.check.Resolve(ctx, err)
	}
	return err
}

// bucketExists asks for the bucket's metadata (storage.buckets.get; when
// refused, the answer is unknown).
func (d *Driver) bucketExists(ctx context.Context) (bool, error) {
	_, err := d.bucket.Attrs(ctx)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, gcs.ErrBucketNotExist):
		return false, nil
	}
	return false, err
}

// attributes converts the SDK's object attributes.
func attributes(a *gcs.ObjectAttrs) *storage.Attributes {
	out := &storage.Attributes{
		Size:               a.Size,
		ModTime:            a.Updated.UTC(),
		ContentType:        a.ContentType,
		CacheControl:       a.CacheControl,
		ContentDisposition: a.ContentDisposition,
		ContentEncoding:    a.ContentEncoding,
		ContentLanguage:    a.ContentLanguage,
		ETag:               a.Etag,
		Version:            generation(a.Generation),
		Metadata:           lowerKeys(a.Metadata),
		Checksums:          storage.Checksums{MD5: slices.Clone(a.MD5), CRC32C: crcBytes(a.CRC32C)},
	}
	if len(out.Checksums.MD5) == 0 {
		out.Checksums.MD5 = nil // composite objects have no MD5
	}
	return out
}

func crcBytes(c uint32) []byte { return binary.BigEndian.AppendUint32(nil, c) }

func lowerKeys(m map[string]string) map[string]string { return metamap.Map(m, strings.ToLower, nil) }

// Delete implements storage.Driver.
func (d *Driver) Delete(ctx context.Context, name string) error {
	return d.notFound(ctx, d.bucket.Object(name).Delete(ctx))
}

// List implements storage.Driver. The service lists in name order, from
// opts.StartAfter (startOffset) natively, opts.PageSize names per request;
// with a delimiter a page holds objects and prefixes that the SDK returns
// apart, so each page is merged back into name order before it is yielded.
// Entries carry the MD5 (not of composite objects) and CRC32C the listing
// reports, as Stat does.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		q := &gcs.Query{Prefix: prefix, Projection: gcs.ProjectionNoACL}
		if opts.OneLevel {
			q.Delimiter = "/"
		}
		if after := storage.ListStart(prefix, opts); after != "" {
			// startOffset is inclusive: the storage drops "after" itself.
			q.StartOffset = after
		}
		if err := q.SetAttrSelection([]string{"Name", "Size", "Updated", "Etag", "MD5", "CRC32C"}); err != nil {
			yield(storage.Entry{}, err)
			return
		}
		it := d.bucket.Objects(ctx, q)
		size := 1000
		if opts.PageSize > 0 {
			size = min(opts.PageSize, 1000)
		}
		pager := iterator.NewPager(it, size, "")
		for {
			var page []*gcs.ObjectAttrs
			next, err := pager.NextPage(&page)
			if err != nil {
				yield(storage.Entry{}, err)
				return
			}
			entries := make([]storage.Entry, 0, len(page))
			for _, a := range page {
				if a.Prefix != "" {
					entries = append(entries, storage.Entry{Name: a.Prefix, IsDir: true})
					continue
				}
				e := storage.Entry{Name: a.Name, Size: a.Size, ModTime: a.Updated.UTC(), ETag: a.Etag,
					Checksums: storage.Checksums{CRC32C: crcBytes(a.CRC32C)}}
				if len(a.MD5) > 0 { // composite objects have none
					e.Checksums.MD5 = a.MD5
				}
				entries = append(entries, e)
			}
			slices.SortFunc(entries, func(a, b storage.Entry) int { return strings.Compare(a.Name, b.Name) })
			for _, e := range entries {
				if !yield(e, nil) {
					return
				}
			}
			if next == "" {
				return
			}
		}
	}
}

// Copy implements storage.Driver with the server-side rewrite, repeated until
// the service reports it done (large objects and objects moving between
// locations or storage classes take several calls). The copy keeps the
// source's headers and metadata. An exclusive rewrite carries the
// does-not-exist precondition on dst.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	o := d.bucket.Object(dst)
	if exclusive {
		o = o.If(gcs.Conditions{DoesNotExist: true})
	}
	c := o.CopierFrom(d.bucket.Object(src))
	if d.s.public {
		c.PredefinedACL = "publicRead"
	}
	_, err := c.Run(ctx)
	return d.notFound(ctx, err)
}

// ErrorKind implements storage.Driver: it maps the SDK's and the service's
// errors to the contract's sentinels.
func (d *Driver) ErrorKind(err error) error {
	switch {
	case errors.Is(err, gcs.ErrBucketNotExist):
		return storage.ErrBucketNotExist
	case errors.Is(err, gcs.ErrObjectNotExist):
		return storage.ErrNotExist
	}
	if googleauth.Refused(err) {
		return storage.ErrPermission
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return nil
	}
	if ge.Code == http.StatusBadRequest {
		switch msg := errorText(ge); {
		case strings.Contains(msg, "uniform bucket-level access"):
			return storage.ErrUnsupported
		case strings.Contains(msg, "crc32c") || strings.Contains(msg, "md5"):
			return storage.ErrChecksum
		}
	}
	return storage.KindForStatus(ge.Code)
}

// errorText is every message of a service error, lower-cased.
func errorText(ge *googleapi.Error) string {
	msg := strings.ToLower(ge.Message + " " + ge.Body)
	for _, e := range ge.Errors {
		msg += " " + strings.ToLower(e.Message+" "+e.Reason)
	}
	return msg
}

// Close implements storage.Driver: it closes the SDK client unless it was
// passed in Config.Client.
func (d *Driver) Close() error {
	if d.s.ownsClient {
		return d.client.Close()
	}
	return nil
}

func cloneMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
