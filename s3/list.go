package s3

import (
	"context"
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
// and common prefixes in byte order.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		in := &s3.ListObjectsV2Input{Bucket: &d.cfg.Bucket, Prefix: aws.String(prefix), EncodingType: types.EncodingTypeUrl}
		if opts.OneLevel {
			in.Delimiter = aws.String("/")
		}
		pages := s3.NewListObjectsV2Paginator(d.client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(storage.Entry{}, err)
				return
			}
			objs, dirs := page.Contents, page.CommonPrefixes
			for len(objs) > 0 || len(dirs) > 0 {
				var e storage.Entry
				var key string
				if len(dirs) == 0 || len(objs) > 0 && aws.ToString(objs[0].Key) < aws.ToString(dirs[0].Prefix) {
					o := objs[0]
					objs = objs[1:]
					key = aws.ToString(o.Key)
					// Truncated to the second, the precision of the
					// Last-Modified header Stat and Open report.
					e = storage.Entry{Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified).UTC().Truncate(time.Second), ETag: aws.ToString(o.ETag)}
				} else {
					key = aws.ToString(dirs[0].Prefix)
					dirs = dirs[1:]
					e.IsDir = true
				}
				// With EncodingType url, keys come back percent-encoded
				// (XML cannot carry every character).
				if k, err := url.QueryUnescape(key); err == nil {
					key = k
				}
				e.Name = key
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

// Copy implements storage.Driver with CopyObject, and with a multipart copy
// (UploadPartCopy) above 5 GiB. The copy keeps the source's headers and
// metadata and gets the Config's storage class, encryption and ACL.
func (d *Driver) Copy(ctx context.Context, dst, src string) error {
	head, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(src)})
	if err != nil {
		return err
	}
	p := &objectParams{storageClass: d.cfg.StorageClass, sse: d.cfg.ServerSideEncryption, kmsKey: nz(d.cfg.SSEKMSKeyID)}
	if d.cfg.Public {
		p.acl = types.ObjectCannedACLPublicRead
	}
	if p.kmsKey != nil && p.sse == "" {
		p.sse = types.ServerSideEncryptionAwsKms
	}
	source := copySource(d.cfg.Bucket, src)
	size := aws.ToInt64(head.ContentLength)
	if size <= copyPartThreshold {
		_, err := d.client.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:               &d.cfg.Bucket,
			Key:                  aws.String(dst),
			CopySource:           aws.String(source),
			CopySourceIfMatch:    head.ETag,
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
	return d.multipartCopy(ctx, dst, source, head.ETag, size, p)
}

// copyPartThreshold is the largest object CopyObject copies (5 GiB); a
// variable so tests can exercise the multipart copy.
var copyPartThreshold int64 = 5 << 30

// copyPartSize is the part size of multipart copies.
var copyPartSize int64 = 512 << 20

func copySource(bucket, key string) string {
	return bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

func (d *Driver) multipartCopy(ctx context.Context, dst, source string, etag *string, size int64, p *objectParams) error {
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
	w := &writer{d: d, opts: &storage.WriteOptions{}, p: p, copySource: source, copyETag: etag}
	return w.multipart(ctx, dst, next)
}
