// Package media serves user uploads from any storage, safe by default.
//
// User files are not static assets: their content is chosen by whoever
// uploaded them, so a type that a browser can run script in (HTML, SVG, XML,
// JavaScript, and anything unknown) must never render as a page of the
// application's origin. The [Handler] therefore sends such objects with
// Content-Disposition: attachment and Content-Security-Policy: sandbox
// (the browser downloads them; if one is opened anyway it runs in an opaque
// origin without script), sends X-Content-Type-Options: nosniff with every
// answer, and never guesses a type from the bytes. [Options.Inline] lets
// chosen types display inline (still sandboxed).
//
// Private media never leave through the application: the per-request
// [Options.Authorize] hook decides, and an authorised request is answered by
// a short-lived redirect to a signed URL, signed natively by S3, GCS and
// Azure, or by package hmacurl on the filesystem and memory drivers (serve
// its endpoint through [Protect] so it sends the same safety headers).
// [Save] stores an upload with those headers too, so a CDN, a bucket's
// public URL or a signed URL serves it as safely as the Handler does.
//
// This is a sibling of package staticfiles rather than part of it: media are
// user content with their own threat model (untrusted types, authorisation,
// signed URLs) and share nothing with collected assets (no manifest, no
// precompressed variants, no immutable caching).
package media

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// Access is what the Authorize hook grants a request.
type Access int

const (
	// Deny answers 403 Forbidden.
	Deny Access = iota
	// Public serves the object from this handler.
	Public
	// Private answers with a redirect to a short-lived signed URL.
	Private
)

// DefaultSignExpiry is the validity of the signed URLs of private media
// when Options.SignExpiry is zero.
const DefaultSignExpiry = time.Minute

// Options tune a [Handler]. The zero value serves every object publicly at
// "/", downloads every script-capable type, and caches public answers for
// an hour in browsers and CDNs.
type Options struct {
	// Prefix is the URL path the media are served under, such as
	// "/media/". "" means "/".
	Prefix string

	// Authorize decides, per request, whether name is served here
	// (Public), through a signed URL (Private) or not at all (Deny). It
	// sees the request (cookies, headers) to check the user. Nil serves
	// everything publicly.
	Authorize func(r *http.Request, name string) Access

	// SignExpiry is how long the signed URL of a private object stays
	// valid. Zero means DefaultSignExpiry.
	SignExpiry time.Duration

	// Inline lists script-capable content types (such as "image/svg+xml")
	// that may display inline instead of downloading. They keep
	// Content-Security-Policy: sandbox.
	Inline []string

	// CacheControl of public answers. "" means "public, max-age=3600".
	CacheControl string

	// Logger receives errors met while serving. Nil means slog.Default().
	Logger *slog.Logger
}

// Handler serves media from a storage. It is safe for concurrent use.
type Handler struct {
	st     *storage.Storage
	opts   Options
	prefix string
	log    *slog.Logger
}

// NewHandler returns a Handler over st.
func NewHandler(st *storage.Storage, opts Options) (*Handler, error) {
	if st == nil {
		return nil, errors.New("media: NewHandler with a nil storage")
	}
	h := &Handler{st: st, opts: opts, prefix: opts.Prefix, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.prefix == "" {
		h.prefix = "/"
	}
	if !strings.HasPrefix(h.prefix, "/") {
		h.prefix = "/" + h.prefix
	}
	if !strings.HasSuffix(h.prefix, "/") {
		h.prefix += "/"
	}
	if h.opts.SignExpiry <= 0 {
		h.opts.SignExpiry = DefaultSignExpiry
	}
	if h.opts.CacheControl == "" {
		h.opts.CacheControl = "public, max-age=3600"
	}
	return h, nil
}

// ServeHTTP serves the object named by the path under the prefix.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	name, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	if !ok || name == "" {
		http.NotFound(w, r)
		return
	}
	if hostileEscapes(r.URL.RawPath) || storage.ValidateName(name) != nil {
		http.Error(w, "400 bad request: invalid path", http.StatusBadRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	access := Public
	if h.opts.Authorize != nil {
		access = h.opts.Authorize(r, name)
	}
	ctx := r.Context()
	switch access {
	case Public:
	case Private:
		hdr.Set("Cache-Control", "private, no-store")
		u, err := h.st.SignedURL(ctx, name, storage.SignOptions{Expiry: h.opts.SignExpiry})
		if err != nil {
			h.fail(w, r, name, err)
			return
		}
		http.Redirect(w, r, u, http.StatusFound)
		return
	default:
		hdr.Set("Cache-Control", "private, no-store")
		http.Error(w, "403 forbidden", http.StatusForbidden)
		return
	}
	f, err := h.st.Open(ctx, name)
	if err != nil {
		h.fail(w, r, name, err)
		return
	}
	defer f.Close()
	a := f.Attributes()
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	hdr.Set("Content-Type", ct)
	setSafety(hdr, ct, path.Base(name), h.opts.Inline)
	if a.ContentEncoding != "" {
		hdr.Set("Content-Encoding", a.ContentEncoding)
	}
	if a.ContentLanguage != "" {
		hdr.Set("Content-Language", a.ContentLanguage)
	}
	if a.ETag != "" {
		etag := a.ETag
		if !strings.HasPrefix(etag, `"`) && !strings.HasPrefix(etag, `W/"`) {
			etag = `"` + etag + `"`
		}
		hdr.Set("Etag", etag)
	}
	hdr.Set("Cache-Control", h.opts.CacheControl)
	// http.ServeContent does Range, If-Range and the conditionals; the
	// Content-Type set above keeps it from sniffing.
	http.ServeContent(w, r, "", a.ModTime, f)
}

// fail answers the status storage.HTTPStatus gives err (the one mapping of
// the module's handlers: 404, 403, 400, 409, 503 for an object that changed
// while read, 501, 504 for a deadline, 499 for a client gone, else 500),
// with the status's text only: the error may name the backend's internals.
// Server-side failures are logged, unless the client went away.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, name string, err error) {
	code := storage.HTTPStatus(err)
	if code == http.StatusNotFound {
		http.NotFound(w, r)
		return
	}
	if code >= 500 && r.Context().Err() == nil {
		h.log.ErrorContext(r.Context(), "media: serving", "name", name, "err", err)
	}
	http.Error(w, strconv.Itoa(code)+" "+strings.ToLower(http.StatusText(code)), code)
}

// inlineSafe are the types a browser displays without running script in
// them. Everything else, unknown types included, is script-capable.
var inlineSafe = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/avif": true,
	"image/apng": true, "image/bmp": true, "image/x-icon": true, "image/vnd.microsoft.icon": true,
	"image/jxl": true, "image/tiff": true,
	"text/plain": true, "text/csv": true,
	"font/woff": true, "font/woff2": true, "font/ttf": true, "font/otf": true,
}

// ScriptCapable reports whether a browser could run script in a response of
// this content type: HTML, SVG, XML, JavaScript, PDF, and anything that is
// not a known passive type (images, audio, video, fonts, plain text).
func ScriptCapable(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return true
	}
	if inlineSafe[mt] {
		return false
	}
	return !strings.HasPrefix(mt, "audio/") && !strings.HasPrefix(mt, "video/")
}

// setSafety adds the headers that keep a script-capable type from running
// in the application's origin.
func setSafety(hdr http.Header, contentType, filename string, inline []string) {
	hdr.Set("X-Content-Type-Options", "nosniff")
	if !ScriptCapable(contentType) {
		return
	}
	hdr.Set("Content-Security-Policy", "sandbox")
	mt, _, _ := mime.ParseMediaType(contentType)
	if slices.Contains(inline, mt) {
		return
	}
	hdr.Set("Content-Disposition", Attachment(filename))
}

// Attachment returns a Content-Disposition value that downloads a file
// under filename (RFC 6266, with an RFC 8187 filename* for non-ASCII).
func Attachment(filename string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": filename}); v != "" {
		return v
	}
	return "attachment"
}

// Save stores an upload as [storage.Storage.Save] does, adding
// Content-Disposition: attachment when its type is script-capable (and not
// listed in inline), so a CDN, a public bucket URL or a signed URL serves
// it as safely as the Handler. The content type is opts.ContentType, else
// the name's extension; never sniffed from the bytes.
func Save(ctx context.Context, st *storage.Storage, name string, r io.Reader, opts storage.SaveOptions, inline ...string) (string, error) {
	if opts.ContentType == "" {
		opts.ContentType = storage.TypeByExtension(name)
		if opts.ContentType == "" {
			opts.ContentType = "application/octet-stream"
		}
	}
	mt, _, _ := mime.ParseMediaType(opts.ContentType)
	if opts.ContentDisposition == "" && ScriptCapable(opts.ContentType) && !slices.Contains(inline, mt) {
		opts.ContentDisposition = Attachment(path.Base(name))
	}
	return st.Save(ctx, name, r, opts)
}

// hostileEscapes reports whether a raw path encodes "/", "\", NUL or a dot.
func hostileEscapes(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] == '%' {
			switch strings.ToLower(raw[i+1 : i+3]) {
			case "2f", "5c", "00", "2e":
				return true
			}
		}
	}
	return false
}

// Protect wraps a handler that serves stored objects as they are, such as
// hmacurl's signed-URL endpoint, so its answers carry the Handler's safety
// headers: nosniff always, and attachment plus sandbox for script-capable
// types (those in inline display inline, sandboxed). A response without a
// Content-Type gets application/octet-stream instead of a sniffed one.
//
//	http.Handle("/signed/", media.Protect(signer.Handler(st)))
func Protect(next http.Handler, inline ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&protectWriter{ResponseWriter: w, inline: inline, filename: path.Base(r.URL.Path)}, r)
	})
}

type protectWriter struct {
	http.ResponseWriter
	inline   []string
	filename string
	done     bool
}

func (p *protectWriter) apply() {
	if p.done {
		return
	}
	p.done = true
	h := p.ResponseWriter.Header()
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
		h.Set("Content-Type", ct)
	}
	setSafety(h, ct, p.filename, p.inline)
}

func (p *protectWriter) WriteHeader(code int) {
	p.apply()
	p.ResponseWriter.WriteHeader(code)
}

func (p *protectWriter) Write(b []byte) (int, error) {
	p.apply()
	return p.ResponseWriter.Write(b)
}

// ReadFrom keeps the underlying writer's ReadFrom (sendfile) reachable.
func (p *protectWriter) ReadFrom(r io.Reader) (int64, error) {
	p.apply()
	if rf, ok := p.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{p.ResponseWriter}, r)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (p *protectWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
