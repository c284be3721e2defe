package s3

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/httprange"
)

// Read implements storage.Driver with one GetObject (ranged unless the whole
// object is read, If-Match on req.Version); the attributes come from its
// response, and the body is the response's stream. Seeks, ReadAt, parallel
// parts and resumes are the portable reader's.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	in := &s3.GetObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(name)}
	if req.Offset > 0 || req.Length > 0 {
		in.Range = aws.String(httpRange(req.Offset, req.Length))
	}
	if req.Version != "" {
		in.IfMatch = aws.String(req.Version)
	}
	out, err := d.client.GetObject(ctx, in)
	if err != nil {
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
	if total, ok := httprange.Total(aws.ToString(out.ContentRange)); ok {
		a.Size = total
	}
	a.Checksums.MD5 = etagMD5(a.ETag, out.ServerSideEncryption, out.SSECustomerAlgorithm)
	if in.Range == nil {
		a.Checksums.CRC32C = fullCRC32C(out.ChecksumCRC32C, out.ChecksumType)
	}
	return out.Body, a, nil
}

func httpRange(offset, length int64) string {
	if length < 0 {
		return "bytes=" + strconv.FormatInt(offset, 10) + "-"
	}
	return "bytes=" + strconv.FormatInt(offset, 10) + "-" + strconv.FormatInt(offset+length-1, 10)
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
