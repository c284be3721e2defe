package s3

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
)

// Delete implements storage.Driver.
func (d *Driver) Delete(ctx context.Context, name string) error {
	_, err := d.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(name)})
	return err
}

// List implements storage.Driver with ListObjectsV2, which returns keys
// and common prefixes in byte order, starting after opts.StartAfter
// natively, opts.PageSize keys per request. Entries carry the MD5 of
// single-part objects (from the ETag; a bucket whose default encryption is
// SSE-KMS, unknown to the driver, makes it wrong: set
// Config.ServerSideEncryption).
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		in := &s3.ListObjectsV2Input{Bucket: &d.cfg.Bucket, Prefix: aws.String(prefix), EncodingType: types.EncodingTypeUrl}
		if opts.OneLevel {
			in.Delimiter = aws.String("/")
		}
		if after := storage.ListStart(prefix, opts); after != "" {
			in.StartAfter = aws.String(after)
		}
		if opts.PageSize > 0 {
			in.MaxKeys = aws.Int32(int32(min(opts.PageSize, 1000)))
		}
		pages := s3.NewListObjectsV2Paginator(d.client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(storage.Entry{}, err)
				return
			}
			// With EncodingType url, keys come back percent-encoded (XML
			// cannot carry every character); merge on the decoded names,
			// whose byte order is the listing's.
			objs := make([]storage.Entry, 0, len(page.Contents))
			for _, o := range page.Contents {
				// ModTime truncated to the second, the precision of the
				// Last-Modified header that Stat and Open report.
				// The ETag is the MD5 of a single-part object, as Stat
				// reports it, unless the Config encrypts with SSE-KMS.
				// (ListObjectsV2 reports no checksum values: a CRC32C
				// needs a HEAD, so listings leave it out.)
				objs = append(objs, storage.Entry{Name: unescapeKey(aws.ToString(o.Key)), Size: aws.ToInt64(o.Size),
					ModTime: aws.ToTime(o.LastModified).UTC().Truncate(time.Second), ETag: aws.ToString(o.ETag),
					Checksums: storage.Checksums{MD5: etagMD5(aws.ToString(o.ETag), d.cfg.ServerSideEncryption, nil)}})
			}
			dirs := make([]storage.Entry, 0, len(page.CommonPrefixes))
			for _, p := range page.CommonPrefixes {
				dirs = append(dirs, storage.Entry{Name: unescapeKey(aws.ToString(p.Prefix)), IsDir: true})
			}
			for len(objs) > 0 || len(dirs) > 0 {
				var e storage.Entry
				if len(dirs) == 0 || len(objs) > 0 && objs[0].Name < dirs[0].Name {
					e, objs = objs[0], objs[1:]
				} else {
					e, dirs = dirs[0], dirs[1:]
				}
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

func unescapeKey(k string) string {
	if u, err := url.QueryUnescape(k); err == nil {
		return u
	}
	return k
}

// Copy implements storage.Driver with CopyObject, and with a multipart copy
// (UploadPartCopy) above 5 GiB. The copy keeps the source's headers and
// metadata and gets the Config's storage class, encryption and ACL. An
// exclusive copy is always multipart (its parts copied inside S3), completed
// with If-None-Match: *, since CopyObject takes no If-None-Match.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	head, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(src)})
	if err != nil {
		return d.headNotFound(ctx, err)
	}
	p := &objectParams{storageClass: d.cfg.StorageClass, sse: d.cfg.ServerSideEncryption, kmsKey: nz(d.cfg.SSEKMSKeyID)}
	if d.cfg.Public {
		p.acl = types.ObjectCannedACLPublicRead
	}
	if p.kmsKey != nil && p.sse == "" {
		p.sse = types.ServerSideEncryptionAwsKms
	}
	switch {
	case dst == src && exclusive:
		return storage.ErrExist
	case dst == src:
		return nil // S3 refuses a copy onto itself that changes nothing
	}
	source := copySource(d.cfg.Bucket, src)
	size := aws.ToInt64(head.ContentLength)
	if size <= copyPartThreshold && !exclusive {
		_, err := d.client.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:               &d.cfg.Bucket,
			Key:                  aws.String(dst),
			CopySource:           aws.String(source),
			StorageClass:         p.storageClass,
			ServerSideEncryption: p.sse,
			SSEKMSKeyId:          p.kmsKey,
			ACL:                  p.acl,
		})
		return d.mapACLError(err)
	}
	p.contentType, p.cacheControl = head.ContentType, head.CacheControl
	p.contentDisposition, p.contentEncoding, p.contentLanguage = head.ContentDisposition, head.ContentEncoding, head.ContentLanguage
	p.metadata = head.Metadata
	if exclusive && size == 0 {
		w := &writer{d: d, opts: &storage.WriteOptions{Exclusive: true}, p: p}
		return w.put(ctx, dst, func() io.ReadSeeker { return strings.NewReader("") }, 0)
	}
	return d.multipartCopy(ctx, dst, source, head.ETag, size, p, exclusive)
}

// copyPartThreshold is the largest object CopyObject copies (5 GiB); a
// variable so tests can exercise the multipart copy.
var copyPartThreshold int64 = 5 << 30

// copyPartSize is the part size of multipart copies.
var copyPartSize int64 = 512 << 20

func copySource(bucket, key string) string {
	return bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

func (d *Driver) multipartCopy(ctx context.Context, dst, source string, etag *string, size int64, p *objectParams, exclusive bool) error {
	ps := max(copyPartSize, (size+maxParts-1)/maxParts)
	n := (size + ps - 1) / ps
	var i int64
	next := func(context.Context) (*part, error) {
		if i == n {
			return nil, nil
		}
		o, l := i*ps, min(ps, size-i*ps)
		i++
		return &part{size: l, copyRange: httpRange(o, l)}, nil
	}
	w := &writer{d: d, opts: &storage.WriteOptions{Exclusive: exclusive}, p: p, copySource: source, copyETag: etag}
	err := w.multipart(ctx, dst, next)
	if isPreconditionFailed(err) {
		if exclusive {
			// The completion's If-None-Match, or a part's
			// x-amz-copy-source-if-match: tell them apart.
			if _, herr := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(dst)}); herr == nil {
				return storage.ErrExist
			}
		}
		return fmt.Errorf("%w: %w", storage.ErrChanged, err)
	}
	return err
}
