package gcs

import (
	"context"
	"fmt"
	"net/http"
	"time"

	gcs "cloud.google.com/go/storage"

	"github.com/go-storages/storage"
)

// MaxSignExpiry is the longest validity of a V4 signed URL.
const MaxSignExpiry = 7 * 24 * time.Hour

// SignedURL implements storage.Driver with V4 signed URLs (GOOG4-RSA-SHA256)
// made by the SDK: with the service-account key (Config.ServiceAccountJSON,
// ServiceAccountFile or PrivateKey), with Config.SignBytes (the IAM signBlob
// path), or else with a signer the SDK derives from the client's
// credentials. With Config.SignHostname the URL addresses the bucket-bound
// hostname. A signed PUT with opts.ContentType requires that Content-Type.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if _, set := storage.SignTime(ctx); set {
		// The SDK takes X-Goog-Date from its own clock.
		return "", fmt.Errorf("%w: gcs: the SDK signs as of now only (storage.WithSignTime)", storage.ErrUnsupported)
	}
	if !d.s.canSign {
		return "", fmt.Errorf("%w: gcs: no signing credentials for an emulator client (set ServiceAccountJSON, PrivateKey or SignBytes)", storage.ErrUnsupported)
	}
	if opts.Expiry > MaxSignExpiry {
		return "", fmt.Errorf("%w: gcs: V4 signed URLs last at most 7 days, not %v", storage.ErrInvalidArgument, opts.Expiry)
	}
	if opts.Expiry <= 0 {
		opts.Expiry = storage.DefaultSignExpiry
	}
	method := opts.Method
	if method == "" {
		method = http.MethodGet
	}
	so := &gcs.SignedURLOptions{
		Scheme: gcs.SigningSchemeV4,
		Method: method,
		// The SDK signs whole seconds from its own clock reading, taken a
		// moment later: half a second of slack makes X-Goog-Expires the
		// requested duration rather than one second less.
		Expires:        time.Now().Add(opts.Expiry + time.Second/2),
		GoogleAccessID: d.s.accessID,
		PrivateKey:     d.s.privateKey,
		SignBytes:      d.s.signBytes,
		Insecure:       d.s.scheme == "http",
	}
	if method == http.MethodPut {
		so.ContentType = opts.ContentType
	}
	if d.s.signHost != "" {
		so.Style = gcs.BucketBoundHostname(d.s.signHost)
	}
	return d.bucket.SignedURL(name, so)
}
