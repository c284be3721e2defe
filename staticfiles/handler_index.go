package staticfiles

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-storages/storage"
)

// encodings the handler serves, by the suffix of their variant.
var encodings = [...]struct{ suffix, token string }{
	{".br", "br"},
	{".zst", "zstd"},
	{".gz", "gzip"},
}

// Encoding indexes into file.reps; identity is the last.
const (
	encBr = iota
	encZstd
	encGzip
	encIdentity
	numEnc
)

// index is one immutable snapshot of the tree.
type index struct {
	files    map[string]*file
	manifest *Manifest
	cache    *memCache
}

// file is one servable name and its representations.
type file struct {
	name string
	// reps by encoding (nil when the variant does not exist); order lists
	// the existing ones smallest first.
	reps  [numEnc]*rep
	order []int
	// vary is set when the file has variants: every answer says Vary.
	vary bool
	// Precomputed header values, each a one-element slice (len == cap, so
	// an append by later middleware copies instead of writing into it).
	contentType  []string
	cacheControl []string
	cors         []string // nil when not a font or CORS is off
}

// rep is one stored representation: the file itself or a variant.
type rep struct {
	name    string // object name in the storage
	enc     int
	size    int64
	etag    string // strong, quoted
	modTime time.Time

	contentEncoding []string // nil for identity
	contentLength   []string
	etagHdr         []string
	lastModified    []string

	cacheable bool
	body      atomic.Pointer[[]byte] // set once read, when cacheable
}

// memCache accounts the bytes of bodies kept in memory.
type memCache struct {
	limit int64
	used  atomic.Int64
}

// reserve takes n bytes of the budget, or reports false.
func (c *memCache) reserve(n int64) bool {
	for {
		u := c.used.Load()
		if u+n > c.limit {
			return false
		}
		if c.used.CompareAndSwap(u, u+n) {
			return true
		}
	}
}

func one(v string) []string { return []string{v}[:1:1] }

// buildIndex lists st once and indexes every file and its variants. Bodies
// cached by prev are kept for representations that did not change.
func buildIndex(ctx context.Context, st *storage.Storage, m *Manifest, h *Handler, prev *index) (*index, error) {
	entries := map[string]storage.Entry{}
	for e, err := range st.List(ctx, "", storage.ListOptions{}) {
		if err != nil {
			return nil, err
		}
		if !e.IsDir {
			entries[e.Name] = e
		}
	}
	idx := &index{files: make(map[string]*file, len(entries)), manifest: m, cache: &memCache{limit: h.opts.CacheBytes}}
	for name, e := range entries {
		if isVariant(name, entries) {
			continue
		}
		var vs [numEnc]*storage.Entry
		for i, enc := range encodings {
			if v, ok := entries[name+enc.suffix]; ok {
				vs[i] = &v
			}
		}
		vs[encIdentity] = &e
		f := h.newFile(name, vs, m)
		if prev != nil {
			if old := prev.files[name]; old != nil {
				for i, r := range f.reps {
					if r == nil || old.reps[i] == nil || old.reps[i].etag != r.etag || old.reps[i].size != r.size {
						continue
					}
					if b := old.reps[i].body.Load(); b != nil && idx.cache.reserve(int64(len(*b))) {
						r.body.Store(b)
					}
				}
			}
		}
		idx.files[name] = f
	}
	return idx, nil
}

// isVariant reports whether name is a precompressed variant of another
// name in the tree (name.br beside name): variants are not served on their
// own.
func isVariant(name string, entries map[string]storage.Entry) bool {
	for _, enc := range encodings {
		if base, ok := strings.CutSuffix(name, enc.suffix); ok && base != "" {
			if _, exists := entries[base]; exists {
				return true
			}
		}
	}
	return false
}

// statFile builds a file from Stat calls (OnDemand mode).
func statFile(ctx context.Context, st *storage.Storage, name string, m *Manifest, h *Handler) (*file, error) {
	a, err := st.Stat(ctx, name)
	if err != nil {
		return nil, err
	}
	var vs [numEnc]*storage.Entry
	vs[encIdentity] = &storage.Entry{Name: name, Size: a.Size, ModTime: a.ModTime, ETag: a.ETag}
	for i, enc := range encodings {
		va, err := st.Stat(ctx, name+enc.suffix)
		if errors.Is(err, storage.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		vs[i] = &storage.Entry{Name: name + enc.suffix, Size: va.Size, ModTime: va.ModTime, ETag: va.ETag}
	}
	return h.newFile(name, vs, m), nil
}

func (h *Handler) newFile(name string, vs [numEnc]*storage.Entry, m *Manifest) *file {
	ct := ContentType(name)
	f := &file{name: name, contentType: one(ct)}
	if m != nil && m.IsHashed(name) {
		f.cacheControl = h.hdr.immutable
	} else {
		f.cacheControl = h.hdr.maxAge
	}
	if !h.opts.NoCORS && (h.opts.CORSAllFiles || isFont(ct)) {
		f.cors = h.hdr.cors
	}
	for i, e := range vs {
		if e == nil {
			continue
		}
		r := &rep{name: e.Name, enc: i, size: e.Size, modTime: e.ModTime.UTC().Truncate(time.Second)}
		r.etag = strongETag(e, i)
		r.etagHdr = one(r.etag)
		r.contentLength = one(strconv.FormatInt(e.Size, 10))
		if !e.ModTime.IsZero() {
			r.lastModified = one(r.modTime.Format(http.TimeFormat))
		}
		if i != encIdentity {
			r.contentEncoding = one(encodings[i].token)
			f.vary = true
		}
		r.cacheable = h.opts.CacheBytes > 0 && e.Size <= h.opts.CacheFileSize
		f.reps[i] = r
		f.order = append(f.order, i)
	}
	sort.SliceStable(f.order, func(a, b int) bool { return f.reps[f.order[a]].size < f.reps[f.order[b]].size })
	return f
}

// strongETag is the backend's ETag made strong and quoted, or one made of
// the modification time and size. Each representation is its own object, so
// its ETag differs from the others'; the encoding is added to derived ones.
func strongETag(e *storage.Entry, enc int) string {
	t := strings.TrimPrefix(e.ETag, "W/")
	t = strings.Trim(t, `"`)
	if t == "" || strings.ContainsAny(t, "\" \t,") {
		t = strconv.FormatInt(e.ModTime.UnixNano(), 16) + "-" + strconv.FormatInt(e.Size, 16)
		if enc != encIdentity {
			t += "-" + encodings[enc].token
		}
	}
	return `"` + t + `"`
}

func isFont(ct string) bool {
	return strings.HasPrefix(ct, "font/") || ct == "application/vnd.ms-fontobject" ||
		ct == "application/font-woff" || ct == "application/x-font-ttf"
}

// headerValues are the shared precomputed header values of a handler.
type headerValues struct {
	nosniff, vary, acceptRanges, immutable, maxAge, cors []string
}

func newHeaderValues(o HandlerOptions) headerValues {
	maxAge := "no-cache"
	if o.MaxAge > 0 {
		maxAge = "public, max-age=" + strconv.FormatInt(int64(o.MaxAge/time.Second), 10)
	}
	return headerValues{
		nosniff:      one("nosniff"),
		vary:         one("Accept-Encoding"),
		acceptRanges: one("bytes"),
		immutable:    one(ImmutableCacheControl),
		maxAge:       one(maxAge),
		cors:         one(o.CORSOrigin),
	}
}
