// Package hmacurl gives any storage working signed URLs: a [Signer] makes
// URLs signed with HMAC-SHA256 under a secret key, and its [Signer.Handler]
// serves them, refusing any URL that is expired, tampered with, or used with
// another method or content type than it was signed for.
//
// It is how the filesystem and memory drivers (which have no service of their
// own to sign for them) offer SignedURL:
//
//	sg, err := hmacurl.New("https://files.example.com/signed/", key)
//	st, err := filesystem.New("/var/media", storage.WithSigner(sg))
//	http.Handle("/signed/", sg.Handler(st))
//	u, err := st.SignedURL(ctx, "report.pdf", storage.SignOptions{Expiry: time.Hour})
//
// A URL is the base URL, the escaped object name, and the query parameters
// method, expires (Unix seconds), content-type (PUT only, when signed with
// one) and signature: base64url(HMAC-SHA256(key, "v1\n" method "\n" name "\n"
// expires "\n" content-type)). A GET URL also answers HEAD. Keys are at least
// 32 bytes; rotate one by running two handlers.
package hmacurl

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// MinKeySize is the shortest key New accepts, in bytes.
const MinKeySize = 32

// Signer signs and verifies URLs for one base URL and key. It implements
// storage.URLSigner. It is safe for concurrent use.
type Signer struct {
	base     string // ends in "/"
	basePath string // decoded path of base, ends in "/"
	key      []byte
	now      func() time.Time
}

// New returns a Signer for URLs under baseURL (absolute, where the handler
// is mounted) with the secret key (at least MinKeySize bytes).
func New(baseURL string, key []byte) (*Signer, error) {
	if len(key) < MinKeySize {
		return nil, fmt.Errorf("hmacurl: key of %d bytes, want at least %d: %w", len(key), MinKeySize, storage.ErrInvalidArgument)
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("hmacurl: base URL must be absolute, without query or fragment: %w", storage.ErrInvalidArgument)
	}
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return &Signer{base: baseURL, basePath: p, key: append([]byte(nil), key...), now: time.Now}, nil
}

// SignURL implements storage.URLSigner.
func (s *Signer) SignURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if err := storage.ValidateName(name); err != nil {
		return "", err
	}
	if opts.Method == "" {
		opts.Method = http.MethodGet
	}
	if opts.Method != http.MethodGet && opts.Method != http.MethodPut {
		return "", fmt.Errorf("hmacurl: method %q: %w", opts.Method, storage.ErrInvalidArgument)
	}
	if opts.Expiry <= 0 {
		opts.Expiry = storage.DefaultSignExpiry
	}
	if opts.Method != http.MethodPut {
		opts.ContentType = ""
	}
	at, set := storage.SignTime(ctx)
	if !set {
		at = s.now()
	}
	expires := strconv.FormatInt(at.Add(opts.Expiry).Unix(), 10)
	q := url.Values{}
	q.Set("method", opts.Method)
	q.Set("expires", expires)
	if opts.ContentType != "" {
		q.Set("content-type", opts.ContentType)
	}
	q.Set("signature", s.sign(opts.Method, name, expires, opts.ContentType))
	return s.base + storage.EscapePath(name) + "?" + q.Encode(), nil
}

func (s *Signer) sign(method, name, expires, contentType string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("v1\n" + method + "\n" + name + "\n" + expires + "\n" + contentType))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Errors Verify returns; the handler answers 403 Forbidden for all of them.
var (
	ErrExpired   = errors.New("hmacurl: signed URL expired")
	ErrSignature = errors.New("hmacurl: invalid signature")
)

// Verify checks the signature of r and returns the object name it grants.
// A GET URL grants GET and HEAD; a PUT URL signed with a content type grants
// only a PUT with that Content-Type.
func (s *Signer) Verify(r *http.Request) (string, error) {
	if !strings.HasPrefix(r.URL.Path, s.basePath) {
		return "", ErrSignature
	}
	name := strings.TrimPrefix(r.URL.Path, s.basePath)
	q := r.URL.Query()
	method, expires, ct, sig := q.Get("method"), q.Get("expires"), q.Get("content-type"), q.Get("signature")
	switch {
	case method == http.MethodGet && (r.Method == http.MethodGet || r.Method == http.MethodHead):
	case method == http.MethodPut && r.Method == http.MethodPut:
	default:
		return "", ErrSignature
	}
	want := s.sign(method, name, expires, ct)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "", ErrSignature
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return "", ErrSignature
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return "", ErrExpired
	}
	if ct != "" && r.Header.Get("Content-Type") != ct {
		return "", ErrSignature
	}
	if err := storage.ValidateName(name); err != nil {
		return "", ErrSignature
	}
	return name, nil
}

// Handler serves the URLs this Signer signs, from st: GET and HEAD serve the
// object with its saved headers, ranges and conditional requests
// (http.ServeContent); PUT saves the request body under the signed name,
// replacing any object there. Requests without a valid signature get 403.
func (s *Signer) Handler(st *storage.Storage) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, err := s.Verify(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		switch r.Method {
		case http.MethodPut:
			_, err := st.Save(r.Context(), name, r.Body, storage.SaveOptions{
				ContentType: r.Header.Get("Content-Type"),
				Conflict:    storage.Overwrite,
				Size:        r.ContentLength,
			})
			if err != nil {
				httpError(w, err)
				return
			}
			w.WriteHeader(http.StatusOK)
		default:
			f, err := st.Open(r.Context(), name)
			if err != nil {
				httpError(w, err)
				return
			}
			defer f.Close()
			a := f.Attributes()
			for k, v := range a.Header() {
				w.Header()[k] = v
			}
			http.ServeContent(w, r, "", a.ModTime, f)
		}
	})
}

// httpError answers the status storage.HTTPStatus gives err, with its
// standard text only (the error may name the backend's internals).
func httpError(w http.ResponseWriter, err error) {
	code := storage.HTTPStatus(err)
	http.Error(w, http.StatusText(code), code)
}
