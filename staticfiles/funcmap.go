package staticfiles

import (
	"errors"
	"net/url"
	"strings"

	"github.com/go-storages/storage"
)

// FuncMapOptions tune [FuncMapWith]. The zero value is strict and names the
// function "static".
type FuncMapOptions struct {
	// Name of the template function; "" means "static".
	Name string
	// Lenient makes a name the manifest does not know resolve to the URL
	// of the name itself (Django with manifest_strict off) instead of
	// failing the template.
	Lenient bool
}

// FuncMap returns template functions for html/template and text/template
// (Template.Funcs accepts it for both): {{ static "css/app.css" }} writes the
// public URL of the hashed name, built by the manifest's storage (CDN base
// URLs and host sharding included), with any "?query#fragment" of the
// argument kept. It is strict, as Django's manifest_strict: a name the
// manifest does not know fails the template with an error matching
// storage.ErrNotExist that names it.
//
// The URLs of every name are computed once, here: a call is one map lookup,
// with no allocation for a name without query or fragment. Build a new
// FuncMap when the manifest changes.
func FuncMap(m *Manifest) map[string]any { return FuncMapWith(m, FuncMapOptions{}) }

// FuncMapWith is [FuncMap] with options.
func FuncMapWith(m *Manifest, opts FuncMapOptions) map[string]any {
	name := opts.Name
	if name == "" {
		name = "static"
	}
	return map[string]any{name: newResolver(m, opts.Lenient).resolve}
}

// resolver holds the precomputed URLs of a manifest.
type resolver struct {
	m       *Manifest
	st      *storage.Storage
	urls    map[string]string // source path -> public URL of its hashed name
	lenient bool
}

func newResolver(m *Manifest, lenient bool) *resolver {
	r := &resolver{m: m, lenient: lenient}
	if m == nil {
		return r
	}
	r.st = m.st
	r.urls = make(map[string]string, m.Len())
	if r.st == nil {
		return r
	}
	for orig, hashed := range m.Paths() {
		if u, err := r.st.URL(hashed); err == nil {
			r.urls[orig] = u
		}
	}
	return r
}

var errNoManifest = errors.New("staticfiles: static: no manifest")

func (r *resolver) resolve(name string) (string, error) {
	if u, ok := r.urls[name]; ok {
		return u, nil
	}
	return r.slow(name)
}

// slow handles a query or fragment, a percent-encoded name, and misses.
func (r *resolver) slow(name string) (string, error) {
	p, tail := splitRef(name)
	if u, ok := r.urls[p]; ok {
		return u + tail, nil
	}
	if strings.Contains(p, "%") {
		if d, err := url.PathUnescape(p); err == nil {
			if u, ok := r.urls[d]; ok {
				return u + tail, nil
			}
		}
	}
	if r.m == nil {
		return "", &storage.Error{Op: "staticfiles static", Name: name, Kind: storage.ErrNotExist, Err: errNoManifest}
	}
	if _, known := r.m.Lookup(p); known || !r.lenient {
		// Unknown (strict), or known but without a URL: the manifest says why.
		return r.m.URL(name)
	}
	if r.st == nil {
		return name, nil
	}
	u, err := r.st.URL(p)
	if err != nil {
		return "", err
	}
	return u + tail, nil
}
