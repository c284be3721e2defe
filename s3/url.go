package s3

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyendpoints "github.com/aws/smithy-go/endpoints"

	"github.com/go-storages/storage"
)

// maxPresignExpiry is SigV4's limit.
const maxPresignExpiry = 7 * 24 * time.Hour

// SignedURL implements storage.Driver: a SigV4 presigned GET or PUT URL (on
// Config.PresignBaseURL when set), or a CloudFront signed URL of the object's
// public URL (opts.PublicURL) for GET when a CloudFront key pair is
// configured.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if opts.Expiry <= 0 {
		opts.Expiry = storage.DefaultSignExpiry
	}
	at, atSet := storage.SignTime(ctx)
	if d.cfSigner != nil && opts.Method != http.MethodPut {
		if opts.PublicURL == "" {
			return "", fmt.Errorf("%w: s3: CloudFront signing needs the storage's base URL (the CloudFront domain)", storage.ErrInvalidArgument)
		}
		return d.cfSigner.Sign(opts.PublicURL, at.Add(opts.Expiry))
	}
	if opts.Expiry > maxPresignExpiry {
		return "", fmt.Errorf("%w: s3: presigned URLs are valid for at most 7 days", storage.ErrInvalidArgument)
	}
	expires := func(o *s3.PresignOptions) {
		o.Expires = opts.Expiry
		if atSet {
			o.Presigner = presignAt{o.Presigner, at}
		}
	}
	switch opts.Method {
	case http.MethodPut:
		req, err := d.presign.PresignPutObject(ctx, &s3.PutObjectInput{
			Bucket: &d.cfg.Bucket, Key: aws.String(name), ContentType: nz(opts.ContentType),
		}, expires)
		if err != nil {
			return "", err
		}
		return req.URL, nil
	case "", http.MethodGet:
		req, err := d.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &d.cfg.Bucket, Key: aws.String(name)}, expires)
		if err != nil {
			return "", err
		}
		return req.URL, nil
	}
	return "", fmt.Errorf("%w: s3: cannot sign method %q", storage.ErrInvalidArgument, opts.Method)
}

// presignAt signs as of a given time (storage.WithSignTime) instead of the
// SDK's clock reading.
type presignAt struct {
	next s3.HTTPPresignerV4
	at   time.Time
}

func (p presignAt) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.next.PresignHTTP(ctx, creds, r, payloadHash, service, region, p.at, optFns...)
}

// fixedEndpoint resolves every request to one base URL that addresses the
// bucket's root (Config.PresignBaseURL): the key is appended to its path.
type fixedEndpoint struct{ u *url.URL }

func (f fixedEndpoint) ResolveEndpoint(context.Context, s3.EndpointParameters) (smithyendpoints.Endpoint, error) {
	return smithyendpoints.Endpoint{URI: *f.u}, nil
}
