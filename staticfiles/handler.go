package staticfiles

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-storages/storage"
)

// ImmutableCacheControl is the Cache-Control of hashed names (the values of
// the manifest): their content never changes under that name.
const ImmutableCacheControl = "public, max-age=31536000, immutable"

// Defaults of [HandlerOptions].
const (
	DefaultMaxAge        = 60 * time.Second
	DefaultCacheBytes    = 32 << 20
	DefaultCacheFileSize = 512 << 10
)

// HandlerOptions tune a [Handler]. The zero value serves the whole storage
// at "/", loads staticfiles.json when the storage has one, sends
// "public, max-age=60" for unhashed names, "*" as the CORS origin of fonts,
// no index file, and keeps bodies of up to 512 KiB in memory up to 32 MiB
// in all.
type HandlerOptions struct {
	// Prefix is the URL path the files are served under, such as
	// "/static/" (a missing trailing "/" is added). "" means "/".
	Prefix string

	// Manifest gives the hashed names, served as immutable. Nil loads
	// ManifestName from the storage at start and on every Reload (no
	// manifest there is fine: nothing is then immutable).
	Manifest *Manifest

	// MaxAge is the max-age of names that are not hashed. Zero means
	// DefaultMaxAge; negative sends "no-cache".
	MaxAge time.Duration

	// CORSOrigin is the Access-Control-Allow-Origin sent with fonts
	// (browsers load fonts from another origin, such as a CDN's, only
	// with it). "" means "*". NoCORS sends none.
	CORSOrigin string
	NoCORS     bool
	// CORSAllFiles sends it with every file, as WhiteNoise does: module
	// scripts and fetch() from another origin need it too.
	CORSAllFiles bool

	// IndexFile, when set (such as "index.html"), is served for a path
	// ending in "/": "/docs/" serves "docs/index.html", and "/docs"
	// redirects to "/docs/" when that exists. Directories are never listed.
	IndexFile string

	// CacheBytes caps the bytes of bodies kept in memory, filled on first
	// request. Zero means DefaultCacheBytes; negative keeps nothing.
	CacheBytes int64
	// CacheFileSize is the largest body kept in memory. Zero means
	// DefaultCacheFileSize.
	CacheFileSize int64

	// OnDemand, for development, looks every request's file up in the
	// storage (one Stat for it and one per encoding) instead of trusting
	// the index, so files added or changed since the last Reload are
	// served. It disables the memory cache. Leave it off in production.
	OnDemand bool

	// Logger receives errors met while serving. Nil means slog.Default().
	Logger *slog.Logger
}

// Handler serves a collected tree of static files from any storage, as
// WhiteNoise does for Django: it indexes the tree once (the manifest and one
// listing: size, ETag, content type, precompressed variants), so a request
// costs no Stat and no listing; it picks the smallest acceptable encoding
// (br, zstd, gzip beside the file as name.br, name.zst, name.gz), answers
// conditional and range requests by RFC 9110, marks hashed names immutable,
// and streams bodies from the storage (a local file through the kernel's
// sendfile; small bodies from memory once read).
//
// Files added later are served after [Handler.Reload]. A Handler is safe for
// concurrent use.
type Handler struct {
	st     *storage.Storage
	opts   HandlerOptions
	prefix string
	log    *slog.Logger
	idx    atomic.Pointer[index]
	hdr    headerValues
}

// NewHandler indexes st (loading its manifest unless opts gives one) and
// returns a Handler serving it.
func NewHandler(ctx context.Context, st *storage.Storage, opts HandlerOptions) (*Handler, error) {
	if st == nil {
		return nil, errors.New("staticfiles: NewHandler with a nil storage")
	}
	h := &Handler{st: st, opts: opts, log: opts.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.prefix = opts.Prefix
	if h.prefix == "" {
		h.prefix = "/"
	}
	if !strings.HasPrefix(h.prefix, "/") {
		h.prefix = "/" + h.prefix
	}
	if !strings.HasSuffix(h.prefix, "/") {
		h.prefix += "/"
	}
	if h.opts.MaxAge == 0 {
		h.opts.MaxAge = DefaultMaxAge
	}
	if h.opts.CacheBytes == 0 {
		h.opts.CacheBytes = DefaultCacheBytes
	}
	if h.opts.CacheFileSize == 0 {
		h.opts.CacheFileSize = DefaultCacheFileSize
	}
	if h.opts.OnDemand {
		h.opts.CacheBytes = -1
	}
	if h.opts.CORSOrigin == "" {
		h.opts.CORSOrigin = "*"
	}
	h.hdr = newHeaderValues(h.opts)
	if err := h.Reload(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// Reload rebuilds the index from the storage (the manifest, unless
// HandlerOptions.Manifest was given, and one listing) and swaps it in
// atomically: requests in flight finish on the old index. Bodies kept in
// memory stay for files whose ETag and size did not change.
func (h *Handler) Reload(ctx context.Context) error {
	m := h.opts.Manifest
	if m == nil {
		var err error
		m, err = LoadManifest(ctx, h.st, "")
		if errors.Is(err, storage.ErrNotExist) {
			m, err = nil, nil
		}
		if err != nil {
			return err
		}
	}
	idx, err := buildIndex(ctx, h.st, m, h, h.idx.Load())
	if err != nil {
		return err
	}
	h.idx.Store(idx)
	return nil
}

// Len is the number of files served (variants not counted).
func (h *Handler) Len() int { return len(h.idx.Load().files) }

// ServeHTTP serves the file the request's path names under the prefix; 404
// for anything else.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.serve(w, r) {
		http.NotFound(w, r)
	}
}

// Middleware returns a handler that serves the files under the prefix and
// passes every other request (other paths, and names the index does not
// know) to next, as WhiteNoise's middleware does.
func (h *Handler) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.serve(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// serve answers r when its path names a file (or is refused as hostile)
// and reports whether it did.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if !strings.HasPrefix(p, h.prefix) {
		return false
	}
	name := p[len(h.prefix):]
	if r.URL.RawPath != "" && hostileEscapes(r.URL.RawPath) {
		h.refuse(w)
		return true
	}
	idx := h.idx.Load()
	f := idx.files[name]
	if f == nil || h.opts.OnDemand {
		if name != "" && !strings.HasSuffix(name, "/") {
			if err := storage.ValidateName(name); err != nil {
				h.refuse(w)
				return true
			}
		} else if name != "" {
			if err := storage.ValidateName(strings.TrimSuffix(name, "/")); err != nil {
				h.refuse(w)
				return true
			}
		}
		var redirect bool
		f, redirect = h.lookupSlow(r.Context(), idx, name)
		if redirect {
			h.redirectDir(w, r)
			return true
		}
		if f == nil {
			return false
		}
	}
	h.serveFile(w, r, f)
	return true
}

// refuse answers a path whose escapes could smuggle a separator, a dot
// segment or a NUL past the decoding: 400, without touching the storage.
func (h *Handler) refuse(w http.ResponseWriter) {
	w.Header()["X-Content-Type-Options"] = h.hdr.nosniff
	http.Error(w, "400 bad request: invalid path", http.StatusBadRequest)
}

// hostileEscapes reports whether a raw path encodes "/", "\", NUL or a dot
// (as in %2e%2e): names never need those escaped.
func hostileEscapes(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		switch strings.ToLower(raw[i+1 : i+3]) {
		case "2f", "5c", "00", "2e":
			return true
		}
	}
	return false
}

func (h *Handler) redirectDir(w http.ResponseWriter, r *http.Request) {
	u := r.URL.EscapedPath() + "/"
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", u)
	w.WriteHeader(http.StatusMovedPermanently)
}

// lookupSlow resolves what the index does not answer directly: index files
// and, in OnDemand mode, the storage itself. It reports a redirect for a
// directory named without its trailing slash.
func (h *Handler) lookupSlow(ctx context.Context, idx *index, name string) (*file, bool) {
	ix := h.opts.IndexFile
	if ix != "" && (name == "" || strings.HasSuffix(name, "/")) {
		name += ix
	} else if ix != "" && name != "" {
		if f := h.find(ctx, idx, name); f != nil {
			return f, false
		}
		return nil, h.find(ctx, idx, name+"/"+ix) != nil
	}
	if name == "" || strings.HasSuffix(name, "/") {
		return nil, false
	}
	return h.find(ctx, idx, name), false
}

func (h *Handler) find(ctx context.Context, idx *index, name string) *file {
	if !h.opts.OnDemand {
		return idx.files[name]
	}
	f, err := statFile(ctx, h.st, name, idx.manifest, h)
	if err != nil {
		if !errors.Is(err, storage.ErrNotExist) {
			h.log.ErrorContext(ctx, "staticfiles: stat", "name", name, "err", err)
		}
		return nil
	}
	return f
}

var errChanged = errors.New("staticfiles: the file changed since the index was built (Reload)")
