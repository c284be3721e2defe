package staticfiles

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-storages/storage"
)

// allowed is the Allow header of a 405.
var allowed = one("GET, HEAD")

// serveFile answers a request for f: method, encoding, preconditions,
// range, then the body (from memory or streamed from the storage).
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	hdr := w.Header()
	hdr["X-Content-Type-Options"] = h.hdr.nosniff
	if f.vary {
		hdr["Vary"] = h.hdr.vary
	}
	if f.cors != nil {
		hdr["Access-Control-Allow-Origin"] = f.cors
	}
	get := r.Method == http.MethodGet
	if !get && r.Method != http.MethodHead {
		hdr["Allow"] = allowed
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}

	rp := h.negotiate(r.Header, f)
	if rp == nil {
		http.Error(w, "406 not acceptable: no acceptable content coding", http.StatusNotAcceptable)
		return
	}
	hdr["Etag"] = rp.etagHdr
	if rp.lastModified != nil {
		hdr["Last-Modified"] = rp.lastModified
	}
	hdr["Cache-Control"] = f.cacheControl

	if status := preconditions(r.Header, rp); status != 0 {
		if status == http.StatusNotModified {
			w.WriteHeader(status)
			return
		}
		http.Error(w, "412 precondition failed", status)
		return
	}

	hdr["Content-Type"] = f.contentType
	if rp.contentEncoding != nil {
		hdr["Content-Encoding"] = rp.contentEncoding
	}
	hdr["Accept-Ranges"] = h.hdr.acceptRanges

	off, n, status := int64(0), rp.size, http.StatusOK
	if get {
		if rg := r.Header["Range"]; len(rg) == 1 && ifRange(r.Header, rp) {
			off, n, status = parseRange(rg[0], rp.size)
			switch status {
			case http.StatusRequestedRangeNotSatisfiable:
				hdr["Content-Range"] = []string{"bytes */" + rp.contentLength[0]}
				delete(hdr, "Content-Type")
				delete(hdr, "Content-Encoding")
				hdr["Content-Length"] = zeroLength
				w.WriteHeader(status)
				return
			case http.StatusPartialContent:
				hdr["Content-Range"] = []string{"bytes " + strconv.FormatInt(off, 10) + "-" +
					strconv.FormatInt(off+n-1, 10) + "/" + rp.contentLength[0]}
			default:
				off, n, status = 0, rp.size, http.StatusOK
			}
		}
	}
	if status == http.StatusOK {
		hdr["Content-Length"] = rp.contentLength
	} else {
		hdr["Content-Length"] = []string{strconv.FormatInt(n, 10)}
	}
	if !get {
		w.WriteHeader(status)
		return
	}

	ctx := r.Context()
	if body := h.cachedBody(ctx, rp); body != nil {
		w.WriteHeader(status)
		w.Write(body[off : off+n])
		return
	}
	src, err := h.open(ctx, rp, off, n)
	if err != nil {
		h.fail(w, r, rp, err)
		return
	}
	defer src.Close()
	w.WriteHeader(status)
	got, err := io.Copy(w, src)
	if err == nil && got != n {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && ctx.Err() == nil {
		h.log.ErrorContext(ctx, "staticfiles: streaming a file", "name", rp.name, "err", err)
	}
}

var zeroLength = one("0")

// open opens n bytes of rp from off: the whole object through Open (whose
// WriteTo lets net/http use sendfile on a local file), a range through one
// ranged read.
func (h *Handler) open(ctx context.Context, rp *rep, off, n int64) (io.ReadCloser, error) {
	if off == 0 && n == rp.size {
		rd, err := h.st.Open(ctx, rp.name)
		if err != nil {
			return nil, err
		}
		if rd.Size() != rp.size {
			rd.Close()
			return nil, errChanged
		}
		return rd, nil
	}
	return h.st.ReadRange(ctx, rp.name, off, n)
}

// fail answers an error met before any byte of the body was sent.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rp *rep, err error) {
	hdr := w.Header()
	for _, k := range [...]string{"Etag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Encoding", "Content-Length", "Content-Range", "Accept-Ranges"} {
		delete(hdr, k)
	}
	if errors.Is(err, storage.ErrNotExist) || errors.Is(err, errChanged) {
		h.log.WarnContext(r.Context(), "staticfiles: the index is stale (call Reload)", "name", rp.name, "err", err)
		http.Error(w, "503 the file changed: retry", http.StatusServiceUnavailable)
		return
	}
	if r.Context().Err() == nil {
		h.log.ErrorContext(r.Context(), "staticfiles: opening a file", "name", rp.name, "err", err)
	}
	http.Error(w, "500 internal server error", http.StatusInternalServerError)
}

// cachedBody returns rp's bytes from memory, reading them in on first use
// when rp is small enough and the budget allows; nil otherwise.
func (h *Handler) cachedBody(ctx context.Context, rp *rep) []byte {
	if !rp.cacheable {
		return nil
	}
	if b := rp.body.Load(); b != nil {
		return *b
	}
	c := h.idx.Load().cache
	if !c.reserve(rp.size) {
		return nil
	}
	rd, err := h.st.Open(ctx, rp.name)
	if err != nil {
		c.used.Add(-rp.size)
		return nil
	}
	defer rd.Close()
	if rd.Size() != rp.size {
		c.used.Add(-rp.size)
		return nil
	}
	b := make([]byte, rp.size)
	if _, err := io.ReadFull(rd, b); err != nil {
		c.used.Add(-rp.size)
		return nil
	}
	if !rp.body.CompareAndSwap(nil, &b) {
		c.used.Add(-rp.size)
		return *rp.body.Load()
	}
	return b
}

// negotiate picks the smallest representation the request's
// Accept-Encoding accepts (RFC 9110 §12.5.3), or nil when none is.
func (h *Handler) negotiate(hdr http.Header, f *file) *rep {
	ae, present := hdr["Accept-Encoding"]
	if !present {
		// No preference stated: identity, which every client reads.
		return f.reps[encIdentity]
	}
	prefs := parseAcceptEncoding(ae)
	for _, i := range f.order {
		if prefs.accepts(i) {
			return f.reps[i]
		}
	}
	return nil
}

// preconditions evaluates If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in RFC 9110 §13.2.2's order and returns 304, 412 or 0
// (proceed).
func preconditions(hdr http.Header, rp *rep) int {
	if im, ok := hdr["If-Match"]; ok {
		if !matchETags(im, rp.etag, false) {
			return http.StatusPreconditionFailed
		}
	} else if ius, ok := hdr["If-Unmodified-Since"]; ok && rp.lastModified != nil {
		if t, err := http.ParseTime(ius[0]); err == nil && rp.modTime.After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if inm, ok := hdr["If-None-Match"]; ok {
		if matchETags(inm, rp.etag, true) {
			return http.StatusNotModified
		}
		return 0
	}
	if ims, ok := hdr["If-Modified-Since"]; ok && rp.lastModified != nil {
		if t, err := http.ParseTime(ims[0]); err == nil && !rp.modTime.After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// ifRange reports whether a Range header applies: no If-Range, or one
// naming this representation (strong ETag comparison, or exactly its
// Last-Modified date).
func ifRange(hdr http.Header, rp *rep) bool {
	ir, ok := hdr["If-Range"]
	if !ok {
		return true
	}
	if len(ir) != 1 {
		return false
	}
	v := ir[0]
	if len(v) > 0 && (v[0] == '"' || v[0] == 'W') {
		return matchETags(ir, rp.etag, false)
	}
	t, err := http.ParseTime(v)
	return err == nil && rp.lastModified != nil && t.Equal(rp.modTime)
}
