package staticfiles

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

// Expected bytes below were produced by CPython 3's json.dumps (the
// encoder Django uses) over the same paths:
//
//	paths = {...}
//	h = hashlib.md5(json.dumps(sorted(paths.items())).encode()).hexdigest()[:12]
//	json.dumps({"paths": paths, "version": "1.1", "hash": h})
var trickyPaths = [][2]string{
	{"css/app.css", "css/app.1a2b3c4d5e6f.css"},
	{"img/café 😀.png", "img/café 😀.0123456789ab.png"},
	{"a\"b\\c\n\t\x7f\x01</&>.js", "x.js"},
	{"B.css", "B.111111111111.css"},
	{"é", "é.h"},
}

const trickyJSON = `{"paths": {"css/app.css": "css/app.1a2b3c4d5e6f.css", "img/caf\u00e9 \ud83d\ude00.png": "img/caf\u00e9 \ud83d\ude00.0123456789ab.png", "a\"b\\c\n\t\u007f\u0001</&>.js": "x.js", "B.css": "B.111111111111.css", "\u00e9": "\u00e9.h"}, "version": "1.1", "hash": "8bf27330b518"}`

func buildManifest(version string, pairs [][2]string) *Manifest {
	m := newManifest(version)
	for _, p := range pairs {
		m.add(p[0], p[1])
	}
	m.finish()
	return m
}

func TestManifestWriteDjangoExact(t *testing.T) {
	m := buildManifest(ManifestVersion11, trickyPaths)
	if m.Hash() != "8bf27330b518" {
		t.Errorf("hash = %q, want Django's 8bf27330b518", m.Hash())
	}
	var b bytes.Buffer
	n, err := m.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
	if b.String() != trickyJSON {
		t.Errorf("WriteTo:\n got %s\nwant %s", b.String(), trickyJSON)
	}
	empty := buildManifest(ManifestVersion11, nil)
	if got := string(empty.bytes()); got != `{"paths": {}, "version": "1.1", "hash": "d75171398898"}` {
		t.Errorf("empty manifest = %s", got)
	}
	v10 := buildManifest(ManifestVersion10, trickyPaths[:1])
	if got := string(v10.bytes()); got != `{"paths": {"css/app.css": "css/app.1a2b3c4d5e6f.css"}, "version": "1.0"}` {
		t.Errorf("1.0 manifest = %s", got)
	}
}

func TestParseManifestRoundTrip(t *testing.T) {
	m, err := ParseManifest(strings.NewReader(trickyJSON))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version() != "1.1" || m.Hash() != "8bf27330b518" || m.Len() != len(trickyPaths) {
		t.Fatalf("version %q hash %q len %d", m.Version(), m.Hash(), m.Len())
	}
	var got [][2]string
	for o, h := range m.Paths() {
		got = append(got, [2]string{o, h})
	}
	if !slices.Equal(got, trickyPaths) {
		t.Errorf("Paths (order kept) = %q", got)
	}
	if string(m.bytes()) != trickyJSON {
		t.Errorf("re-encoded bytes differ:\n%s", m.bytes())
	}
	if !m.IsHashed("css/app.1a2b3c4d5e6f.css") || m.IsHashed("css/app.css") {
		t.Error("IsHashed")
	}
}

func TestParseManifestVersions(t *testing.T) {
	for _, tc := range []struct {
		in      string
		version string
		n       int
		bad     bool
	}{
		{`{"paths": {"a.css": "a.123456789012.css"}, "version": "1.0"}`, "1.0", 1, false},
		{`{"version": "1.1", "hash": "x", "paths": {"a": "b", "c": "d"}}`, "1.1", 2, false},
		{`{"version": "1.0"}`, "1.0", 0, false},
		{`{"paths": {}, "version": "2.0"}`, "", 0, true},
		{`{"paths": {}}`, "", 0, true},
		{`{"paths": {"a": 1}, "version": "1.0"}`, "", 0, true},
		{`[]`, "", 0, true},
		{`{"paths": {}, "version": "1.0"} x`, "", 0, true},
		{``, "", 0, true},
	} {
		m, err := ParseManifest(strings.NewReader(tc.in))
		if tc.bad {
			if !errors.Is(err, ErrManifest) || !errors.Is(err, storage.ErrInvalidArgument) {
				t.Errorf("%s: err = %v, want ErrManifest", tc.in, err)
			}
			continue
		}
		if err != nil || m.Version() != tc.version || m.Len() != tc.n {
			t.Errorf("%s: %v %v", tc.in, m, err)
		}
	}
	// A repeated key keeps its first position and last value (Python's dict).
	m, err := ParseManifest(strings.NewReader(`{"paths": {"a": "1", "b": "2", "a": "3"}, "version": "1.0"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Collect(maps.Keys(maps.Collect(m.Paths()))); len(got) != 2 {
		t.Errorf("keys %v", got)
	}
	if h, _ := m.Lookup("a"); h != "3" || m.orig[0] != "a" {
		t.Errorf("duplicate key: %q %v", h, m.orig)
	}
}

func TestManifestLookupAndURL(t *testing.T) {
	ctx := context.Background()
	st, err := memory.New(storage.WithBaseURL("https://cdn.example.com/static/"))
	if err != nil {
		t.Fatal(err)
	}
	m := buildManifest(ManifestVersion11, [][2]string{
		{"fonts/f.woff", "fonts/f.0123456789ab.woff"},
		{"img/a b.png", "img/a b.aaaaaaaaaaaa.png"},
	})
	if _, err := st.Save(ctx, ManifestName, bytes.NewReader(m.bytes()), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	lm, err := LoadManifest(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"fonts/f.woff":             "fonts/f.0123456789ab.woff",
		"fonts/f.woff?#iefix":      "fonts/f.0123456789ab.woff?#iefix",
		"fonts/f.woff#x":           "fonts/f.0123456789ab.woff#x",
		"img/a%20b.png":            "img/a b.aaaaaaaaaaaa.png",
		"fonts/f.woff?v=1#section": "fonts/f.0123456789ab.woff?v=1#section",
		// Normalised as Django 3.2's stored_name (checked with it):
		// surrounding white space trimmed, percent-decoded before splitting.
		" fonts/f.woff ":        "fonts/f.0123456789ab.woff",
		"fonts/f.woff \n?v=1":   "fonts/f.0123456789ab.woff?v=1",
		"%20fonts/f.woff":       "fonts/f.0123456789ab.woff",
		"\tfonts/f.woff#x":      "fonts/f.0123456789ab.woff#x",
		"fonts/f.woff\x1c":      "fonts/f.0123456789ab.woff",
		"\u00a0fonts/f.woff":    "fonts/f.0123456789ab.woff",
		"img/a%20b.png ":        "img/a b.aaaaaaaaaaaa.png",
		" img/a%20b.png?#iefix": "img/a b.aaaaaaaaaaaa.png?#iefix",
		"fonts/f.woff%3Fv=1":    "fonts/f.0123456789ab.woff?v=1",
	} {
		if got, ok := lm.Lookup(in); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// Nor more than Django: these miss in its manifest too.
	for _, in := range []string{"nope.css", "/fonts/f.woff", "./fonts/f.woff", "fonts//f.woff", "fonts/f.woff%zz"} {
		if got, ok := lm.Lookup(in); ok {
			t.Errorf("Lookup(%q) = %q, want a miss", in, got)
		}
	}
	u, err := lm.URL("img/a b.png?v=2")
	if err != nil || u != "https://cdn.example.com/static/img/a%20b.aaaaaaaaaaaa.png?v=2" {
		t.Errorf("URL = %q, %v", u, err)
	}
	u, err = lm.URL(" img/a%20b.png%3Fv=3 ")
	if err != nil || u != "https://cdn.example.com/static/img/a%20b.aaaaaaaaaaaa.png?v=3 " {
		t.Errorf("URL = %q, %v", u, err)
	}
	if _, err := lm.URL("nope.css"); !errors.Is(err, storage.ErrNotExist) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("URL(unknown) err = %v", err)
	}
	if _, err := m.URL("fonts/f.woff"); !errors.Is(err, storage.ErrUnsupported) {
		t.Errorf("URL without storage err = %v", err)
	}
	if u, err := m.WithStorage(st).URL("fonts/f.woff"); err != nil || !strings.HasSuffix(u, "/fonts/f.0123456789ab.woff") {
		t.Errorf("WithStorage URL = %q %v", u, err)
	}
	if _, err := LoadManifest(ctx, st, "missing.json"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("LoadManifest(missing) err = %v", err)
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"a.js":             "text/javascript; charset=utf-8",
		"a.MJS":            "text/javascript; charset=utf-8",
		"a.css":            "text/css; charset=utf-8",
		"a.wasm":           "application/wasm",
		"f.woff2":          "font/woff2",
		"i.svg":            "image/svg+xml",
		"a.js.map":         "application/json; charset=utf-8",
		"site.webmanifest": "application/manifest+json; charset=utf-8",
		"x.avif":           "image/avif",
		"README":           DefaultContentType,
		"x.unknownext":     DefaultContentType,
	} {
		if got := ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}
