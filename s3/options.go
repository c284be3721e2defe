package s3

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/headervalue"
	"github.com/go-storages/storage/internal/metamap"
)

// SaveOptions are S3-specific options for one Save, passed as a
// *SaveOptions in storage.SaveOptions.DriverOptions. Zero fields use the
// Config's value.
type SaveOptions struct {
	// StorageClass, such as "STANDARD_IA", "GLACIER_IR", "INTELLIGENT_TIERING".
	StorageClass types.StorageClass
	// ServerSideEncryption: "AES256" (SSE-S3) or "aws:kms" (SSE-KMS).
	ServerSideEncryption types.ServerSideEncryption
	// SSEKMSKeyID is the KMS key for "aws:kms"; empty: the account's default.
	SSEKMSKeyID string
	// ACL is a canned ACL, such as "public-read" or
	// "bucket-owner-full-control". It overrides storage.SaveOptions.Public.
	ACL types.ObjectCannedACL
	// Tagging is the object's tag set, URL-query encoded ("k1=v1&k2=v2").
	Tagging string
}

// DriverName implements storage.DriverOptions: "s3". Other drivers ignore
// these options.
func (*SaveOptions) DriverName() string { return "s3" }

// object settings shared by PutObject, CreateMultipartUpload and CopyObject.
type objectParams struct {
	contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage *string
	metadata                                                                        map[string]string
	storageClass                                                                    types.StorageClass
	sse                                                                             types.ServerSideEncryption
	kmsKey                                                                          *string
	acl                                                                             types.ObjectCannedACL
	tagging                                                                         *string
}

func (d *Driver) params(opts *storage.WriteOptions) (*objectParams, error) {
	so, err := storage.OptionsFor[*SaveOptions]("s3", opts.DriverOptions)
	if err != nil {
		return nil, err
	}
	if so == nil {
		so = &SaveOptions{}
	}
	p := &objectParams{
		contentType:        nz(opts.ContentType),
		cacheControl:       nz(opts.CacheControl),
		contentDisposition: nz(opts.ContentDisposition),
		contentEncoding:    nz(opts.ContentEncoding),
		contentLanguage:    nz(opts.ContentLanguage),
		metadata:           encodeMetadata(opts.Metadata),
		storageClass:       first(so.StorageClass, d.cfg.StorageClass),
		sse:                first(so.ServerSideEncryption, d.cfg.ServerSideEncryption),
		kmsKey:             nz(first(so.SSEKMSKeyID, d.cfg.SSEKMSKeyID)),
		acl:                so.ACL,
		tagging:            nz(so.Tagging),
	}
	if p.acl == "" && (opts.Public || d.cfg.Public) {
		p.acl = types.ObjectCannedACLPublicRead
	}
	if p.kmsKey != nil && p.sse == "" {
		p.sse = types.ServerSideEncryptionAwsKms
	}
	return p, nil
}

func nz(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func first[T ~string](a, b T) T {
	if a != "" {
		return a
	}
	return b
}

// S3 metadata travels in HTTP headers, which carry ASCII only: values go
// through headervalue (RFC 2047 encoded-words, as AWS itself returns
// non-ASCII values) and are decoded on the way back.
func encodeMetadata(m map[string]string) map[string]string {
	return metamap.Map(m, nil, headervalue.Encode)
}

func decodeMetadata(m map[string]string) map[string]string {
	return metamap.Map(m, strings.ToLower, headervalue.Decode)
}
