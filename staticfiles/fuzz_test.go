package staticfiles

// Fuzz targets for what staticfiles parses: manifests, CSS and JS
// references, and the handler's Range and Accept-Encoding fields. The seed
// corpora under testdata/fuzz run as ordinary tests; fuzz one target at a
// time with, for example,
//
//	go test -run '^$' -fuzz '^FuzzFindRefs$' -fuzztime 3m ./staticfiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

func FuzzParseManifest(f *testing.F) {
	for _, s := range []string{
		`{"paths": {"css/app.css": "css/app.0123456789ab.css"}, "version": "1.0"}`,
		`{"paths": {}, "version": "1.1", "hash": "abc"}`,
		`{"version": "1.0"}`,
		`{"paths": {"a": "b", "a": "c"}, "version": "1.0"}`,
		`{"paths": [], "version": "1.0"}`,
		`{"version": "2.0", "paths": {}}`,
		`{"paths": {"a": 1}, "version": "1.0"}`,
		`{"paths": {"a": "b"}, "version": "1.0"} trailing`,
		`{"x": {"deep": [1, {"y": null}]}, "version": "1.0", "paths": {"é/ü.js": "é/ü.0123.js"}}`,
		``, `null`, `[]`, `{`, `{"version": 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrManifest) && !errors.Is(err, storage.ErrInvalidArgument) {
				t.Fatalf("ParseManifest error %v does not match ErrManifest", err)
			}
			return
		}
		n := 0
		for orig, hashed := range m.Paths() {
			n++
			if got, ok := m.Lookup(orig); !ok || got != hashed {
				t.Fatalf("Lookup(%q) = %q, %v; Paths says %q", orig, got, ok, hashed)
			}
			if !m.IsHashed(hashed) {
				t.Fatalf("IsHashed(%q) false for a value of the manifest", hashed)
			}
		}
		if n != m.Len() {
			t.Fatalf("Paths yields %d entries, Len %d", n, m.Len())
		}
		// What WriteTo writes parses back to the same mapping.
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := ParseManifest(&buf)
		if err != nil {
			t.Fatalf("a written manifest does not parse: %v\n%s", err, buf.String())
		}
		if m2.Len() != m.Len() {
			t.Fatalf("round trip: %d entries, then %d", m.Len(), m2.Len())
		}
		for orig, hashed := range m.Paths() {
			if got, ok := m2.Lookup(orig); !ok || got != hashed {
				t.Fatalf("round trip: %q -> %q, then %q, %v", orig, hashed, got, ok)
			}
		}
	})
}

// FuzzFindRefs: finding references never panics and never modifies the
// file; every reference found spans reference syntax only (url(...),
// @import, a source map comment, a quoted module specifier, or exactly the
// URL); spans are ordered and disjoint; rewriting them changes no byte
// outside them, and scanning the rewritten file finds the same references
// with the new URLs.
func FuzzFindRefs(f *testing.F) {
	for _, s := range []string{
		`body{background:url(img/a.png)} @import "b.css"; @import url('c.css');`,
		`a{b:URL( "x y.png" )} /* url(not.png) */ .c{content:"url(no.png)"}`,
		"@import /* c */ 'd.css';\n/*# sourceMappingURL=app.css.map */\n",
		"@charset \"utf-8\";\n@import url(\"a\\\".css\");",
		`url(a.png`, `@import`, `url()`, `url(")`, "/*# sourceMappingURL= */",
	} {
		f.Add([]byte(s), uint8(kindCSS), false)
	}
	for _, s := range []string{
		"import a from './a.js';\nexport * from \"../b.mjs\";\nimport('/c.js');\nconst s = 'import(\"./no.js\")';\n//# sourceMappingURL=app.js.map\n",
		"let r = /import '.\\/x.js'/; `${import('./t.js')}`; import(`./tpl.js`);",
		"import x from './a.js'\nimport './side.js'\nexport {y} from './y.js'",
		"a = b / import('./c.js') / d; import(\n'./e.js',\n{with:{}})",
		"//# sourceMappingURL=data:application/json;base64,e30=",
		`import("./a.js"`, `import`, `'unterminated`, "/* unterminated",
		// "from" outside a declaration is an identifier (issue 14); inside, a name too.
		"export {a}\nconst from = 1; foo(from '/x.js')\nlet b = from\n'./y.js'",
		"import from from './a.js'; import {from as f, \"./s\" as s} from './b.js'; export * as from from './c.js'",
		"export { from }\n'./no.js'\nexport {x}\nfrom\n'./yes.js'",
	} {
		f.Add([]byte(s), uint8(kindJS), true)
		f.Add([]byte(s), uint8(kindJS), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8, modules bool) {
		kind := []rewriteKind{kindCSS, kindJS}[int(k)%2]
		orig := bytes.Clone(data)
		refs := findRefs(kind, data, modules)
		if !bytes.Equal(orig, data) {
			t.Fatal("findRefs modified its input")
		}
		last := 0
		edits := make([]edit, len(refs))
		for i, r := range refs {
			if r.start < last || r.end < r.start || r.end > len(data) {
				t.Fatalf("ref %d [%d,%d) out of order or bounds (prev end %d, len %d)", i, r.start, r.end, last, len(data))
			}
			last = r.end
			span := string(data[r.start:r.end])
			ok := true
			switch r.form {
			case formCSSURL:
				ok = len(span) >= 4 && strings.EqualFold(span[:4], "url(")
			case formCSSImport:
				ok = len(span) >= 7 && strings.EqualFold(span[:7], "@import")
			case formCSSImportString:
				ok = len(span) >= 2 && (span[0] == '"' || span[0] == '\'') && span[len(span)-1] == span[0]
			case formCSSSourceMap:
				ok = strings.HasPrefix(span, "/*#") && strings.HasSuffix(span, "*/") && strings.Contains(span, r.url)
			case formRaw:
				ok = span == r.url
			case formJSString:
				ok = len(span) >= 2 && span[0] == r.quote && span[len(span)-1] == r.quote
			}
			if !ok {
				t.Fatalf("ref %d (form %d, url %q) spans %q, which is not reference syntax", i, r.form, r.url, span)
			}
			edits[i] = edit{start: r.start, end: r.end, text: r.render(fmt.Sprintf("/n%d.0123456789ab.png", i))}
		}
		out := applyEdits(data, edits)
		// Bytes outside the spans are the original ones, in order.
		pos, prev := 0, 0
		for _, e := range edits {
			seg := data[prev:e.start]
			if !bytes.Equal(out[pos:pos+len(seg)], seg) {
				t.Fatalf("bytes before offset %d changed", e.start)
			}
			pos += len(seg) + len(e.text)
			prev = e.end
		}
		if !bytes.Equal(out[pos:], data[prev:]) {
			t.Fatal("bytes after the last reference changed")
		}
		if !mayHaveRefs(kind, out, modules) {
			// The only "import" was inside a rewritten specifier (from'/import'):
			// the quick pre-scan rightly skips the rewritten file.
			return
		}
		again := findRefs(kind, out, modules)
		if len(again) != len(refs) {
			t.Fatalf("the rewritten file has %d references, the original %d\noriginal:  %q\nrewritten: %q", len(again), len(refs), data, out)
		}
		for i, r := range again {
			if want := fmt.Sprintf("/n%d.0123456789ab.png", i); r.url != want {
				t.Fatalf("rewritten ref %d reads %q, want %q\nrewritten: %q", i, r.url, want, out)
			}
		}
	})
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=0-", "bytes=-1", "bytes=5-2", "bytes=0-1,2-3", "BYTES = 1-2", "bytes=-0",
		"bytes=99999999999999999999-", "items=0-1", "bytes=,,0-1,", "bytes= 1 - 2", "bytes=-99999999999999999999", ""} {
		f.Add(s, int64(10))
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		off, n, status := parseRange(s, size)
		switch status {
		case 0, http.StatusRequestedRangeNotSatisfiable:
			if off != 0 || n != 0 {
				t.Fatalf("parseRange(%q, %d) = %d, %d, %d", s, size, off, n, status)
			}
		case http.StatusPartialContent:
			if off < 0 || n < 1 || off > size-n {
				t.Fatalf("parseRange(%q, %d) = [%d,+%d): outside the representation", s, size, off, n)
			}
		default:
			t.Fatalf("parseRange(%q, %d): status %d", s, size, status)
		}
	})
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func FuzzAcceptEncoding(f *testing.F) {
	for _, s := range []string{"gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8, *;q=0.1", "*;q=0", "identity;q=0", "x-gzip",
		"gzip;q=1.001", "gzip;q=0.000, br;q=0.", "gzip;Q=0.5;level=1", " , ,;q=1", "br;q=", "zstd;q=1.00000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p := parseAcceptEncoding([]string{v})
		for enc := range numEnc {
			if q := p.q[enc]; q < -1 || q > 1 {
				t.Fatalf("coding %d weight %d", enc, q)
			}
		}
		if p.star < -1 || p.star > 1 {
			t.Fatalf("* weight %d", p.star)
		}
		if !strings.Contains(strings.ToLower(v), "identity") && !strings.Contains(v, "*") && !p.accepts(encIdentity) {
			t.Fatalf("%q excludes identity without naming it", v)
		}
		// Coding names and parameter names are case-insensitive.
		if u := parseAcceptEncoding([]string{asciiUpper(v)}); u != p {
			t.Fatalf("%q and its upper case parse differently: %+v, %+v", v, p, u)
		}
		// Several field lines are one list.
		if i := strings.IndexByte(v, ','); i >= 0 {
			if s := parseAcceptEncoding([]string{v[:i], v[i+1:]}); s != p {
				t.Fatalf("%q split at its first comma parses differently", v)
			}
		}
	})
}

// fuzzHandler is a handler over a small collected tree in memory.
func fuzzHandler(tb testing.TB) (*Handler, map[string]string) {
	files := map[string]string{
		"css/app.css":              strings.Repeat("body{color:red}\n", 64),
		"css/app.css.br":           strings.Repeat("b", 300),
		"css/app.css.gz":           strings.Repeat("g", 400),
		"css/app.0123456789ab.css": strings.Repeat("body{color:red}\n", 64),
		"js/a.js":                  strings.Repeat("let a=1;\n", 50),
		"js/a.js.zst":              strings.Repeat("z", 90),
		"empty.txt":                "",
		"index.html":               "<p>root</p>",
		ManifestName:               `{"paths": {"css/app.css": "css/app.0123456789ab.css"}, "version": "1.0"}`,
	}
	st, err := memory.New()
	if err != nil {
		tb.Fatal(err)
	}
	for name, body := range files {
		if _, err := st.Save(context.Background(), name, strings.NewReader(body), storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
			tb.Fatal(err)
		}
	}
	h, err := NewHandler(context.Background(), st, HandlerOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return h, files
}

// FuzzHandlerRequest: whatever the path and the Range, Accept-Encoding and
// conditional fields, the handler never answers 5xx; a 200 or 206 body has
// the length Content-Length says, and a 206 body is exactly the named
// slice of the representation it names.
func FuzzHandlerRequest(f *testing.F) {
	h, files := fuzzHandler(f)
	for _, c := range [][4]string{
		{"/css/app.css", "bytes=0-9", "br", ""},
		{"/css/app.css", "bytes=-5", "gzip;q=0, br;q=0", `"x"`},
		{"/css/app.0123456789ab.css", "bytes=1000-", "", "*"},
		{"/js/a.js", "bytes=0-0,5-6", "zstd", ""},
		{"/empty.txt", "bytes=0-", "", ""},
		{"/", "", "", ""},
		{"/%2e%2e/x", "", "", ""},
		{"/css/../css/app.css", "bytes=5-2", "identity;q=0, *;q=0", ""},
	} {
		f.Add(c[0], c[1], c[2], c[3])
	}
	f.Fuzz(func(t *testing.T, path, rng, ae, inm string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		r, err := http.NewRequest(http.MethodGet, "http://example.com"+path, nil)
		if err != nil || r.URL.Path == "" {
			return
		}
		for k, v := range map[string]string{"Range": rng, "Accept-Encoding": ae, "If-None-Match": inm} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("GET %q Range %q AE %q: status %d", path, rng, ae, res.StatusCode)
		}
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusPartialContent {
			return
		}
		if cl := res.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
			t.Fatalf("GET %q: Content-Length %s, body %d bytes", path, cl, len(body))
		}
		if res.StatusCode != http.StatusPartialContent {
			return
		}
		var first, last, total int64
		if _, err := fmt.Sscanf(res.Header.Get("Content-Range"), "bytes %d-%d/%d", &first, &last, &total); err != nil {
			t.Fatalf("206 with Content-Range %q", res.Header.Get("Content-Range"))
		}
		if int64(len(body)) != last-first+1 || last >= total {
			t.Fatalf("206 Content-Range %q with %d bytes", res.Header.Get("Content-Range"), len(body))
		}
		// The representation is the stored file (or its variant) the
		// response names; find the one of that size and compare.
		for _, content := range files {
			if int64(len(content)) == total && content[first:last+1] != string(body) && res.Header.Get("Content-Encoding") == "" {
				if _, isFile := files[strings.TrimPrefix(r.URL.Path, "/")]; isFile && len(files[strings.TrimPrefix(r.URL.Path, "/")]) == int(total) {
					t.Fatalf("206 body differs from bytes %d-%d of %s", first, last, r.URL.Path)
				}
			}
		}
	})
}
