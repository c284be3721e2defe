package storage

import (
	"context"
	"time"
)

type signTimeKey struct{}

// WithSignTime returns a context under which [Storage.SignedURL] signs as of
// t instead of now: the URL is valid from t for SignOptions.Expiry. It is
// the clock seam of signed URLs: tests make a URL that expired an hour ago
// without waiting for it,
//
//	ctx := storage.WithSignTime(ctx, time.Now().Add(-time.Hour))
//	u, err := st.SignedURL(ctx, name, storage.SignOptions{Expiry: time.Minute})
//
// and a service can sign as of the start of a time window, so that every
// request in the window gets the same URL (which a CDN or browser can
// cache). Drivers that declare Capabilities.SignTime honour it; on others a
// call under WithSignTime fails with ErrUnsupported.
func WithSignTime(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, signTimeKey{}, t)
}

// SignTime returns the time a URL signed under ctx is signed at: the time
// [WithSignTime] set (ok true), else time.Now(). Drivers and [URLSigner]s
// that declare Capabilities.SignTime sign as of it.
func SignTime(ctx context.Context) (t time.Time, ok bool) {
	if t, ok := ctx.Value(signTimeKey{}).(time.Time); ok {
		return t, true
	}
	return time.Now(), false
}
