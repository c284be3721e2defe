package staticfiles

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-storages/storage"
)

// ManifestName is the name Django gives the manifest (staticfiles.json).
const ManifestName = "staticfiles.json"

// Manifest versions: "1.0" (Django up to 4.1: paths only) and "1.1"
// (Django 4.2+: paths and a hash of them).
const (
	ManifestVersion10 = "1.0"
	ManifestVersion11 = "1.1"
)

// maxManifestSize bounds what LoadManifest and ParseManifest read (a
// manifest of a million entries is under 200 MB; a bigger one is not a
// manifest).
const maxManifestSize = 256 << 20

// Manifest maps source paths to their hashed names, as Django's
// staticfiles.json does. A Manifest is immutable once built and safe for
// concurrent use.
type Manifest struct {
	orig    []string          // source paths, in manifest order
	hashed  map[string]string // source path -> hashed name
	values  map[string]bool   // hashed names
	version string
	hash    string
	st      *storage.Storage // for URL; nil when parsed from bytes
}

// newManifest returns an empty manifest of the given version.
func newManifest(version string) *Manifest {
	return &Manifest{hashed: map[string]string{}, values: map[string]bool{}, version: version}
}

// add records orig -> hashed, keeping the first position of orig.
func (m *Manifest) add(orig, hashed string) {
	if old, ok := m.hashed[orig]; ok {
		if old != hashed {
			delete(m.values, old)
		}
	} else {
		m.orig = append(m.orig, orig)
	}
	m.hashed[orig] = hashed
	m.values[hashed] = true
}

// finish computes the hash of a manifest built with add.
func (m *Manifest) finish() {
	if m.version == ManifestVersion11 {
		m.hash = manifestHash(m.hashed)
	} else {
		m.hash = ""
	}
}

// ErrManifest is matched (errors.Is) by the errors ParseManifest returns for
// bytes that are not a manifest of a known version. It also matches
// storage.ErrInvalidArgument.
var ErrManifest = fmt.Errorf("staticfiles: invalid manifest: %w", storage.ErrInvalidArgument)

// ParseManifest reads a Django staticfiles.json of version "1.0" or "1.1".
// The paths keep the order of the file. A version "1.1" hash is kept as it
// is (Django does not check it either). The result has no storage: use
// [Manifest.WithStorage] before [Manifest.URL].
func ParseManifest(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxManifestSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrManifest, maxManifestSize)
	}
	return parseManifest(data)
}

func parseManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var (
		version  *string
		hash     string
		orig     []string
		hashed   map[string]string
		sawPaths bool
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrManifest, err)
		}
		key, _ := tok.(string)
		switch key {
		case "paths":
			if orig, hashed, err = readPaths(dec); err != nil {
				return nil, err
			}
			sawPaths = true
		case "version":
			var v string
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("%w: version: %v", ErrManifest, err)
			}
			version = &v
		case "hash":
			if err := dec.Decode(&hash); err != nil {
				return nil, fmt.Errorf("%w: hash: %v", ErrManifest, err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrManifest, err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrManifest)
	}
	if version == nil {
		return nil, fmt.Errorf("%w: no version", ErrManifest)
	}
	if *version != ManifestVersion10 && *version != ManifestVersion11 {
		return nil, fmt.Errorf("%w: unsupported version %q (known: 1.0, 1.1)", ErrManifest, *version)
	}
	if !sawPaths {
		// Django treats a manifest without paths as empty.
		hashed = map[string]string{}
	}
	m := &Manifest{orig: orig, hashed: hashed, values: make(map[string]bool, len(hashed)), version: *version, hash: hash}
	for _, h := range hashed {
		m.values[h] = true
	}
	return m, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrManifest, err)
	}
	if tok != d {
		return fmt.Errorf("%w: expected %q, found %v", ErrManifest, d, tok)
	}
	return nil
}

// readPaths reads the "paths" object keeping its order. A repeated key
// keeps its first position and its last value, as Python's json.loads does.
func readPaths(dec *json.Decoder) ([]string, map[string]string, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, nil, err
	}
	var orig []string
	hashed := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: paths: %v", ErrManifest, err)
		}
		k := tok.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("%w: paths[%q]: %v", ErrManifest, k, err)
		}
		if _, dup := hashed[k]; !dup {
			orig = append(orig, k)
		}
		hashed[k] = v
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, nil, err
	}
	return orig, hashed, nil
}

// LoadManifest reads the manifest called name ("" means [ManifestName]) from
// st. The manifest's URLs are built by st. A missing manifest is an error
// matching storage.ErrNotExist.
func LoadManifest(ctx context.Context, st *storage.Storage, name string) (*Manifest, error) {
	if name == "" {
		name = ManifestName
	}
	r, err := st.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	m, err := ParseManifest(r)
	if err != nil {
		return nil, fmt.Errorf("staticfiles: load %q: %w", name, err)
	}
	m.st = st
	return m, nil
}

// WithStorage returns a copy of m whose URLs are built by st.
func (m *Manifest) WithStorage(st *storage.Storage) *Manifest {
	c := *m
	c.st = st
	return &c
}

// splitRef splits a reference into its path and its "?query#fragment" tail.
func splitRef(ref string) (path, tail string) {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		return ref[:i], ref[i:]
	}
	return ref, ""
}

// Lookup returns the hashed name of path, normalised as Django's
// stored_name does: only the path part is looked up, with surrounding
// whitespace trimmed (Python's str.strip); a "?query" or "#fragment" is
// kept aside and appended to the result ("fonts/f.woff?#iefix" keeps its
// "?#iefix"). A percent-encoded reference not found as it is is decoded as a
// whole and looked up again, as Django decodes before splitting:
// "a%20b.png" finds "a b.png" and "f.woff%3Fv=1" gives "f.<hash>.woff?v=1".
// Like Django, nothing else is normalised: "/css/a.css", "./css/a.css" and
// "css//a.css" are not "css/a.css".
func (m *Manifest) Lookup(path string) (hashed string, ok bool) {
	h, tail, ok := m.lookup(path)
	if !ok {
		return "", false
	}
	return h + tail, true
}

// lookup returns the hashed name of path and the "?query#fragment" tail to
// append to it (see Lookup).
func (m *Manifest) lookup(path string) (hashed, tail string, ok bool) {
	p, tail := splitRef(path)
	if h, ok := m.hashed[trimPySpace(p)]; ok {
		return h, tail, true
	}
	if !strings.Contains(path, "%") {
		return "", "", false
	}
	u, err := url.PathUnescape(path)
	if err != nil {
		return "", "", false
	}
	p, tail = splitRef(u)
	h, ok := m.hashed[trimPySpace(p)]
	return h, tail, ok
}

// trimPySpace trims what Python's str.strip() does: Unicode white space
// plus the separators U+001C to U+001F.
func trimPySpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f })
}

// URL returns the public URL of path's hashed name, built by the storage
// the manifest was loaded from (see [storage.Storage.URL]), with path's
// "?query#fragment" appended. A path the manifest does not know is an error
// matching storage.ErrNotExist (Django's manifest_strict); a manifest without
// a storage gives an error matching storage.ErrUnsupported.
func (m *Manifest) URL(path string) (string, error) {
	h, tail, ok := m.lookup(path)
	if !ok {
		return "", &storage.Error{Op: "staticfiles url", Name: path, Kind: storage.ErrNotExist,
			Err: errors.New("missing staticfiles manifest entry")}
	}
	if m.st == nil {
		return "", &storage.Error{Op: "staticfiles url", Name: path, Kind: storage.ErrUnsupported,
			Err: errors.New("manifest has no storage (use LoadManifest or WithStorage)")}
	}
	u, err := m.st.URL(h)
	if err != nil {
		return "", err
	}
	return u + tail, nil
}

// Paths yields source path -> hashed name, in manifest order.
func (m *Manifest) Paths() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, o := range m.orig {
			if !yield(o, m.hashed[o]) {
				return
			}
		}
	}
}

// Len is the number of paths.
func (m *Manifest) Len() int { return len(m.orig) }

// Version is "1.0" or "1.1".
func (m *Manifest) Version() string { return m.version }

// Hash is Django 4.2's manifest_hash (12 hex digits) of a version "1.1"
// manifest, "" for "1.0".
func (m *Manifest) Hash() string { return m.hash }

// IsHashed reports whether name is the hashed name of some path.
func (m *Manifest) IsHashed(name string) bool { return m.values[name] }

// WriteTo writes the manifest exactly as Django writes it: json.dumps of
// {"paths": {...}, "version": ..., "hash": ...} with Python's default
// separators (", " and ": ") and ensure_ascii (every non-ASCII character as
// \uXXXX, surrogate pairs beyond the BMP), paths in manifest order.
func (m *Manifest) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.bytes())
	return int64(n), err
}

// bytes is the Django encoding of m.
func (m *Manifest) bytes() []byte {
	var b []byte
	b = append(b, `{"paths": {`...)
	for i, o := range m.orig {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPyString(b, o)
		b = append(b, ": "...)
		b = appendPyString(b, m.hashed[o])
	}
	b = append(b, `}, "version": `...)
	b = appendPyString(b, m.version)
	if m.version != ManifestVersion10 {
		b = append(b, `, "hash": `...)
		b = appendPyString(b, m.hash)
	}
	return append(b, '}')
}

// manifestHash is Django 4.2's manifest hash:
// md5(json.dumps(sorted(paths.items())).encode()).hexdigest()[:12].
func manifestHash(paths map[string]string) string {
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys) // byte order of UTF-8 is code point order, as Python sorts str
	var b []byte
	b = append(b, '[')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '[')
		b = appendPyString(b, k)
		b = append(b, ", "...)
		b = appendPyString(b, paths[k])
		b = append(b, ']')
	}
	b = append(b, ']')
	return hashHex(b)
}

func hashHex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])[:12]
}

// appendPyString appends s as Python's json.dumps(s) with ensure_ascii
// encodes it: '"' and '\\' escaped, \n \r \t \b \f by name, every other byte
// outside ' '..'~' as \u00XX / \uXXXX in lower-case hex, characters beyond
// the BMP as a surrogate pair. Invalid UTF-8 bytes (which a Python str
// cannot hold) are written as U+FFFD.
func appendPyString(b []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hexd[r>>12&0xf], hexd[r>>8&0xf], hexd[r>>4&0xf], hexd[r&0xf])
	}
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '"':
				b = append(b, '\\', '"')
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < ' ' || c == 0x7f:
				b = u(b, rune(c))
			default:
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r -= 0x10000
			b = u(b, 0xd800+(r>>10))
			b = u(b, 0xdc00+(r&0x3ff))
			continue
		}
		b = u(b, r)
	}
	return append(b, '"')
}
