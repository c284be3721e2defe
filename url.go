package storage

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// URLSigner signs URLs for a storage whose driver cannot, or in place of the
// driver's own signing (see [WithSigner]). The hmacurl package provides one
// with an http.Handler that verifies its URLs.
type URLSigner interface {
	// SignURL returns a signed URL for the object name (as the storage's
	// users name it, without the location prefix). A PUT URL signed with
	// opts.ContentType must refuse uploads carrying another Content-Type
	// (a storage with a signer declares SignedPutContentType); a signer that
	// cannot enforce it returns an error matching ErrUnsupported.
	SignURL(ctx context.Context, name string, opts SignOptions) (string, error)
}

// URL returns the public URL of name: the base URL (see [WithBaseURL]) followed
// by the escaped name, including the storage's location prefix. It does no I/O
// and does not check that the object exists.
//
// Without a base URL it returns an error matching ErrUnsupported that says
// so, rather than a link that would not serve the object: objects are
// private by default, so a bucket's own endpoint is no public URL. The cloud
// drivers use their bucket's endpoint as the base only when the user
// declared the bucket public (s3, gcs and azure Config.PublicBucket, URL
// parameter public_bucket=true, or Config.Public). For private objects use
// [Storage.SignedURL].
//
// Every byte of the name other than ASCII letters, digits, '-', '.', '_', '~'
// and '/' is percent-encoded (RFC 3986 unreserved characters), so every valid
// name survives the round trip through any HTTP server or CDN: space, '+',
// '%', '?', '#', '&', quotes and non-ASCII included.
func (s *Storage) URL(name string) (string, error) {
	reason, extra := scanName(name)
	if reason == "" && len(s.location)+len(name) > MaxNameLength {
		reason = "name longer than 1024 bytes with the location prefix"
	}
	if reason != "" {
		return "", errorf("url", name, ErrInvalidName, reason)
	}
	var base string
	switch len(s.baseURLs) {
	case 0:
		return "", errorf("url", name, ErrUnsupported, "no public base URL: objects are private unless the storage has a base URL "+
			"(storage.WithBaseURL, base_url=) or its bucket is declared public (public_bucket=true); use SignedURL for private objects")
	case 1:
		base = s.baseURLs[0]
	default:
		base = s.baseURLs[fnv32a(name)%uint32(len(s.baseURLs))]
	}
	var b strings.Builder
	b.Grow(len(base) + len(s.escLocation) + len(name) + extra)
	b.WriteString(base)
	b.WriteString(s.escLocation)
	appendEscaped(&b, name)
	return b.String(), nil
}

// SignedURL returns a URL that grants opts.Method (GET or PUT) on name until
// the expiry, through the signer given with [WithSigner] or else the driver's
// own signing. Without either it returns an error matching ErrUnsupported.
//
// A PUT with opts.ContentType is signed only where the URL will refuse an
// upload of another Content-Type (Capabilities.SignedPutContentType);
// elsewhere it fails with ErrUnsupported, never with a weaker URL.
func (s *Storage) SignedURL(ctx context.Context, name string, opts SignOptions) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const op = "signedurl"
	if err := s.check(ctx, op, name); err != nil {
		return "", err
	}
	switch opts.Method {
	case "":
		opts.Method = http.MethodGet
	case http.MethodGet, http.MethodPut:
	default:
		return "", errorf(op, name, ErrInvalidArgument, "method must be GET or PUT, not "+opts.Method)
	}
	if opts.Expiry < 0 {
		return "", errorf(op, name, ErrInvalidArgument, "negative expiry")
	}
	if opts.Expiry == 0 {
		opts.Expiry = DefaultSignExpiry
	}
	opts.PublicURL, _ = s.URL(name)
	if _, set := SignTime(ctx); set && !s.caps.SignTime {
		return "", errorf(op, name, ErrUnsupported, "this driver cannot sign as of another time than now (WithSignTime)")
	}
	if opts.Method == http.MethodPut && opts.ContentType != "" && !s.caps.SignedPutContentType {
		return "", errorf(op, name, ErrUnsupported, "this driver cannot sign a PUT URL that enforces a content type")
	}
	if s.signer != nil {
		// The driver chain still decides whether the URL may exist: a
		// wrapper (read-only, instrumentation) sees the call and can refuse
		// it; only a driver's lack of native signing is ignored.
		if _, err := s.drv.SignedURL(ctx, s.location+name, opts); err != nil && !errors.Is(err, ErrUnsupported) {
			return "", s.wrap(ctx, op, name, err)
		}
		u, err := s.signer.SignURL(ctx, name, opts)
		return u, s.wrap(ctx, op, name, err)
	}
	u, err := s.drv.SignedURL(ctx, s.location+name, opts)
	return u, s.wrap(ctx, op, name, err)
}

// EscapePath percent-encodes a name for use in a URL path with the rule
// documented on [Storage.URL].
func EscapePath(name string) string {
	var b strings.Builder
	b.Grow(escapedLen(name))
	appendEscaped(&b, name)
	return b.String()
}

// keep[c] is true for bytes that stay as they are in a URL path.
var keep = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "-._~/" {
		t[c] = true
	}
	return t
}()

func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !keep[s[i]] {
			n += 2
		}
	}
	return n
}

func appendEscaped(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep[c] {
			continue
		}
		b.WriteString(s[start:i])
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		start = i + 1
	}
	b.WriteString(s[start:])
}

// fnv32a is the FNV-1a hash of s: a stable choice of CDN shard for a name.
func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
