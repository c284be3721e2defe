package staticfiles

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"go.uber.org/goleak"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
)

func newMem(t *testing.T) *storage.Storage {
	t.Helper()
	st, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func collect(t *testing.T, st *storage.Storage, src fs.FS, o Options) *Result {
	t.Helper()
	res, err := Collect(context.Background(), st, []Source{{FS: src}}, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var siteTree = fstest.MapFS{
	"css/app.css":     {Data: []byte("@import 'base.css';\nbody { background: url(../img/a.png) }\n/* url(missing-in-comment.png) */\n.s::after { content: \"url(missing-in-string.png)\" }\n/*# sourceMappingURL=app.css.map */\n")},
	"css/app.css.map": {Data: []byte(`{"version":3}`)},
	"css/base.css":    {Data: []byte("h1 { background: url( \"/static/img/a.png?v=1#x\" ) }\n")},
	"img/a.png":       {Data: []byte("\x89PNG a")},
	"js/main.js":      {Data: []byte("import {b} from './lib/b.js';\nexport * from \"./lib/c.js\";\nimport './lib/c.js';\nconst lazy = () => import('./lib/b.js');\nconst re = /import '.\\/nope.js'/g; // import './nope.js'\nconst s = \"import './nope.js'\";\nconst t = `${1/2} import('./nope.js')`;\nimport x from 'bare-package';\n//# sourceMappingURL=main.js.map\n")},
	"js/main.js.map":  {Data: []byte(`{"version":3}`)},
	"js/lib/b.js":     {Data: []byte("export const b = 1;\n")},
	"js/lib/c.js":     {Data: []byte("export const c = 2;\n" + strings.Repeat("// padding so that compression pays\n", 50))},
	"LICENSE":         {Data: []byte("MIT\n")},
}

// TestCollectTree checks the properties every collected tree must have:
// every source resolves from the manifest to a stored object with the
// right headers, and every rewritten reference points at a stored object.
func TestCollectTree(t *testing.T) {
	ctx := context.Background()
	st := newMem(t)
	res := collect(t, st, siteTree, Options{JSModules: true, Compress: &WhiteNoise})
	if res.Collected != len(siteTree) || res.Unchanged != 0 {
		t.Errorf("collected %d unchanged %d", res.Collected, res.Unchanged)
	}
	objs := readAll(t, st)
	m, err := LoadManifest(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	for name := range siteTree {
		h, ok := m.Lookup(name)
		if !ok {
			t.Fatalf("%s not in the manifest", name)
		}
		if _, ok := objs[h]; !ok {
			t.Errorf("%s -> %s not stored", name, h)
		}
		if _, ok := objs[name]; !ok {
			t.Errorf("original %s not stored", name)
		}
		a, err := st.Stat(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if a.CacheControl != DefaultCacheControl || a.ContentType != ContentType(name) {
			t.Errorf("%s: Cache-Control %q Content-Type %q", h, a.CacheControl, a.ContentType)
		}
		a, _ = st.Stat(ctx, name)
		if a.CacheControl != DefaultUnhashedCacheControl {
			t.Errorf("%s: Cache-Control %q", name, a.CacheControl)
		}
		if string(objs[name]) != string(siteTree[name].Data) {
			t.Errorf("original %s changed", name)
		}
		// Every reference in a hashed file points at a stored hashed object.
		data := objs[h]
		for _, rf := range findRefs(kindOf(name), data, true) {
			if isScheme(rf.url) {
				continue
			}
			p, _ := splitRef(rf.url)
			target := path.Join(path.Dir(name), p)
			if strings.HasPrefix(p, "/static/") {
				target = strings.TrimPrefix(p, "/static/")
			}
			if !m.IsHashed(target) {
				t.Errorf("%s: reference %q -> %q is not a hashed name", h, rf.url, target)
			}
			if _, ok := objs[target]; !ok {
				t.Errorf("%s: reference %q -> %q not stored", h, rf.url, target)
			}
		}
	}
	app, _ := m.Lookup("css/app.css")
	for _, want := range []string{"/* url(missing-in-comment.png) */", `"url(missing-in-string.png)"`,
		`url("/static/img/a.`, `.png?v=1#x")`, "/*# sourceMappingURL=app.css."} {
		all := string(objs[app]) + string(objs[hashedOf(m, "css/base.css")])
		if !strings.Contains(all, want) {
			t.Errorf("app/base css lacks %q:\n%s", want, all)
		}
	}
	js := string(objs[hashedOf(m, "js/main.js")])
	for _, want := range []string{"from './lib/b.", "from \"./lib/c.", "import './lib/c.", "import('./lib/b.",
		"/import '.\\/nope.js'/g; // import './nope.js'", `"import './nope.js'"`, "import('./nope.js')`",
		"'bare-package'", "//# sourceMappingURL=main.js."} {
		if !strings.Contains(js, want) {
			t.Errorf("main.js lacks %q:\n%s", want, js)
		}
	}
	// Variants: decodable, same content, headers of the original.
	c := hashedOf(m, "js/lib/c.js")
	for suffix, dec := range map[string]func([]byte) ([]byte, error){
		".br": func(b []byte) ([]byte, error) { return io.ReadAll(brotli.NewReader(bytes.NewReader(b))) },
		".gz": func(b []byte) ([]byte, error) {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(zr)
		},
	} {
		for _, n := range []string{c, "js/lib/c.js"} {
			got, err := dec(objs[n+suffix])
			if err != nil || string(got) != string(objs[n]) {
				t.Errorf("%s%s does not decode to %s: %v", n, suffix, n, err)
			}
			a, _ := st.Stat(ctx, n+suffix)
			if a.ContentType != "text/javascript; charset=utf-8" || a.ContentEncoding == "" {
				t.Errorf("%s%s: %q %q", n, suffix, a.ContentType, a.ContentEncoding)
			}
		}
	}
	for _, n := range []string{hashedOf(m, "img/a.png") + ".br", hashedOf(m, "LICENSE") + ".br"} {
		if _, ok := objs[n]; ok {
			t.Errorf("%s stored (incompressible type, or not worth it)", n)
		}
	}
}

func hashedOf(m *Manifest, name string) string { h, _ := m.Lookup(name); return h }

// TestRerunWritesNothing: an unchanged tree uploads and compresses nothing;
// one changed file writes only what depends on it.
func TestRerunWritesNothing(t *testing.T) {
	st := newMem(t)
	o := Options{JSModules: true, Compress: &Fast}
	first := collect(t, st, siteTree, o)
	again := collect(t, st, siteTree, o)
	if again.Uploaded != 0 || again.Compressed != 0 || again.Deleted != 0 || again.Unchanged != len(siteTree) {
		t.Errorf("rerun: %+v", again)
	}
	changed := fstest.MapFS{}
	for k, v := range siteTree {
		changed[k] = v
	}
	changed["js/lib/b.js"] = &fstest.MapFile{Data: []byte("export const b = 3;\n")}
	third := collect(t, st, changed, o)
	// b.js and main.js (which references it) change; everything else is unchanged.
	if third.Unchanged != len(siteTree)-2 {
		t.Errorf("after one change: %+v (first %+v)", third, first)
	}
	if h := hashedOf(third.Manifest, "js/main.js"); h == hashedOf(first.Manifest, "js/main.js") {
		t.Error("main.js kept its hashed name although b.js changed")
	}
}

func TestCycle(t *testing.T) {
	tree := fstest.MapFS{
		"a.css": {Data: []byte("@import 'b.css';\n.a { background: url(i.png) }\n")},
		"b.css": {Data: []byte("@import url(a.css);\n")},
		"i.png": {Data: []byte("png")},
		"s.css": {Data: []byte(".self { background: url(s.css?x) }")},
	}
	st := newMem(t)
	res := collect(t, st, tree, Options{})
	objs := readAll(t, st)
	ha, hb, hi := hashedOf(res.Manifest, "a.css"), hashedOf(res.Manifest, "b.css"), hashedOf(res.Manifest, "i.png")
	if !strings.Contains(string(objs[ha]), `@import url("`+hb+`")`) || !strings.Contains(string(objs[ha]), hi) {
		t.Errorf("%s = %s", ha, objs[ha])
	}
	if string(objs[hb]) != `@import url("`+ha+`");`+"\n" {
		t.Errorf("%s = %s", hb, objs[hb])
	}
	hs := hashedOf(res.Manifest, "s.css")
	if string(objs[hs]) != `.self { background: url("`+hs+`?x") }` {
		t.Errorf("%s = %s", hs, objs[hs])
	}
	// Deterministic, and any change in the cycle renames every member.
	again := collect(t, newMem(t), tree, Options{})
	if hashedOf(again.Manifest, "a.css") != ha || hashedOf(again.Manifest, "b.css") != hb {
		t.Error("cycle hashes are not deterministic")
	}
	tree2 := fstest.MapFS{"a.css": tree["a.css"], "i.png": tree["i.png"], "s.css": tree["s.css"],
		"b.css": {Data: []byte("@import url(a.css);\n/* changed */\n")}}
	changed := collect(t, newMem(t), tree2, Options{})
	if hashedOf(changed.Manifest, "a.css") == ha || hashedOf(changed.Manifest, "b.css") == hb {
		t.Error("a change in b.css did not rename both members of the cycle")
	}
	tree3 := fstest.MapFS{"a.css": tree["a.css"], "b.css": tree["b.css"], "s.css": tree["s.css"],
		"i.png": {Data: []byte("png2")}}
	changed = collect(t, newMem(t), tree3, Options{})
	if hashedOf(changed.Manifest, "a.css") == ha || hashedOf(changed.Manifest, "b.css") == hb {
		t.Error("a change in a file the cycle references did not rename the cycle")
	}
}

func TestMissingReferences(t *testing.T) {
	tree := fstest.MapFS{
		"css/a.css": {Data: []byte("body {\n  background: url(nope.png);\n}\n@import 'gone.css';\n")},
		"js/m.js":   {Data: []byte("// é\n  import x from './missing.js';\n")},
		"css/b.css": {Data: []byte(".x { background: url(../../outside.png) }")},
	}
	st := newMem(t)
	_, err := Collect(context.Background(), st, []Source{{FS: tree}}, Options{JSModules: true})
	var re *ReferenceError
	if !errors.As(err, &re) || !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	got := map[string]bool{}
	for _, m := range re.Missing {
		got[m.String()] = true
	}
	for _, want := range []string{
		`css/a.css:2:15: "nope.png": the file "css/nope.png" could not be found`,
		`css/a.css:4:1: "gone.css": the file "css/gone.css" could not be found`,
		`js/m.js:2:17: "./missing.js": the file "js/missing.js" could not be found`,
		`css/b.css:1:18: "../../outside.png": the file "../outside.png" could not be found`,
	} {
		if !got[want] {
			t.Errorf("missing %s in\n%v", want, err)
		}
	}
	if objs := readAll(t, st); len(objs) != 0 {
		t.Errorf("wrote %d objects before failing", len(objs))
	}
	res, err := Collect(context.Background(), st, []Source{{FS: tree}}, Options{JSModules: true, Lenient: true})
	if err != nil || len(res.Warnings) != 4 {
		t.Fatalf("lenient: %v %q", err, res.Warnings)
	}
	objs := readAll(t, st)
	if a := string(objs[hashedOf(res.Manifest, "css/a.css")]); !strings.Contains(a, "url(nope.png)") {
		t.Errorf("lenient changed a missing reference: %s", a)
	}
}

func TestShadowingAndNames(t *testing.T) {
	first := fstest.MapFS{"a.js": {Data: []byte("1")}, "x/b.js": {Data: []byte("first")}}
	second := fstest.MapFS{"x/b.js": {Data: []byte("second")}, "c.js": {Data: []byte("3")}}
	st := newMem(t)
	res, err := Collect(context.Background(), st, []Source{{FS: first}, {FS: second}, {FS: second, Prefix: "/vendor/"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Shadowed) != 1 || res.Shadowed[0] != (Shadowed{Name: "x/b.js", Source: 1, By: 0}) {
		t.Errorf("shadowed: %+v", res.Shadowed)
	}
	objs := readAll(t, st)
	if string(objs["x/b.js"]) != "first" || string(objs["vendor/x/b.js"]) != "second" {
		t.Error("first source did not win, or prefix ignored")
	}
	if _, err := Collect(context.Background(), st, []Source{{}}, Options{}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("nil FS: %v", err)
	}
	if _, err := Collect(context.Background(), st, nil, Options{ManifestVersion: "2.0"}); !errors.Is(err, storage.ErrInvalidArgument) {
		t.Errorf("bad manifest version: %v", err)
	}
	bad := fstest.MapFS{"ok.js": {Data: []byte("1")}, "a\x01b.js": {Data: []byte("2")},
		strings.Repeat("n", 1020) + ".js": {Data: []byte("3")}, "staticfiles.json": {Data: []byte("{}")}}
	_, err = Collect(context.Background(), newMem(t), []Source{{FS: bad}}, Options{})
	var ne *NamesError
	if !errors.As(err, &ne) || !errors.Is(err, storage.ErrInvalidName) || len(ne.Names) != 3 {
		t.Fatalf("err = %v", err)
	}
}

// vanishingFS fails opening one file after it was opened n times.
type vanishingFS struct {
	fs.FS
	name  string
	after int32
	opens atomic.Int32
}

func (v *vanishingFS) Open(name string) (fs.File, error) {
	if name == v.name && v.opens.Add(1) > v.after {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return v.FS.Open(name)
}

func TestSourceVanishesMidRun(t *testing.T) {
	defer checkNoLeak(t, goleak.IgnoreCurrent())
	for _, name := range []string{"img/a.png", "css/app.css"} {
		st := newMem(t)
		src := &vanishingFS{FS: siteTree, name: name, after: 1}
		_, err := Collect(context.Background(), st, []Source{{FS: src}}, Options{JSModules: true})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: err = %v", name, err)
		}
		if ok, _ := st.Exists(context.Background(), ManifestName); ok {
			t.Errorf("%s vanished, yet a manifest was published", name)
		}
	}
	// A source that changes between hashing and upload stores nothing under the old hash.
	st := newMem(t)
	src := &changingFS{FS: siteTree, name: "LICENSE"}
	_, err := Collect(context.Background(), st, []Source{{FS: src}}, Options{})
	if !errors.Is(err, storage.ErrChecksum) {
		t.Errorf("changed source: err = %v", err)
	}
	if ok, _ := st.Exists(context.Background(), ManifestName); ok {
		t.Error("a source changed, yet a manifest was published")
	}
}

// changingFS returns other bytes for name from the second open on.
type changingFS struct {
	fs.FS
	name  string
	opens atomic.Int32
}

func (c *changingFS) Open(name string) (fs.File, error) {
	if name == c.name && c.opens.Add(1) > 1 {
		return fstest.MapFS{name: {Data: []byte("changed!")}}.Open(name)
	}
	return c.FS.Open(name)
}

// checkNoLeak fails when a goroutine that was not running before the run
// (ignore) outlives it. goleak compares the goroutines themselves, not
// their count, and retries while they wind down.
func checkNoLeak(t *testing.T, ignore goleak.Option) {
	t.Helper()
	if err := goleak.Find(ignore); err != nil {
		t.Errorf("goroutines outlive Collect: %v", err)
	}
}

func TestCancel(t *testing.T) {
	defer checkNoLeak(t, goleak.IgnoreCurrent())
	st := newMem(t)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	_, err := Collect(ctx, st, []Source{{FS: siteTree}}, Options{JSModules: true, Compress: &WhiteNoise,
		Progress: func(p Progress) {
			if p.Phase == PhaseUpload && calls.Add(1) == 2 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if ok, _ := st.Exists(context.Background(), ManifestName); ok {
		t.Error("cancelled run published a manifest")
	}
}

func TestOptions(t *testing.T) {
	ctx := context.Background()
	// KeepOnlyHashed: no original names.
	st := newMem(t)
	res := collect(t, st, siteTree, Options{JSModules: true, KeepOnlyHashed: true, Compress: &Fast})
	for name := range readAll(t, st) {
		if _, orig := siteTree[strings.TrimSuffix(strings.TrimSuffix(name, ".br"), ".zst")]; orig {
			t.Errorf("KeepOnlyHashed stored %s", name)
		}
	}
	if res.Variants == 0 {
		t.Error("no variants")
	}
	// DryRun writes nothing but says what it would.
	st = newMem(t)
	res = collect(t, st, siteTree, Options{JSModules: true, DryRun: true})
	if n := len(readAll(t, st)); n != 0 || res.Uploaded != 2*len(siteTree)+2 {
		t.Errorf("dry run: %d objects, %+v", n, res)
	}
	// Version 1.0 manifest, other name.
	st = newMem(t)
	collect(t, st, siteTree, Options{JSModules: true, ManifestVersion: "1.0", ManifestName: "m.json"})
	m, err := LoadManifest(ctx, st, "m.json")
	if err != nil || m.Version() != "1.0" || m.Hash() != "" {
		t.Fatalf("%v %v", m, err)
	}
	// Progress: phases in order, counts reaching their totals.
	var phases []Phase
	last := map[Phase]Progress{}
	collect(t, newMem(t), siteTree, Options{JSModules: true, Compress: &Fast, Progress: func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
		last[p.Phase] = p
	}})
	for _, ph := range []Phase{PhaseHash, PhaseCompress, PhaseUpload} {
		if p := last[ph]; p.FilesDone != p.FilesTotal || p.BytesDone != p.BytesTotal || p.FilesTotal == 0 {
			t.Errorf("%s: %+v", ph, p)
		}
	}
	if phases[0] != PhaseScan || phases[len(phases)-1] != PhaseDone {
		t.Errorf("phases %v", phases)
	}
}

// TestKeepManifests: files only older manifests name are removed, the
// last N manifests' files are kept.
func TestKeepManifests(t *testing.T) {
	st := newMem(t)
	o := Options{KeepManifests: 2, Compress: &Fast}
	v := func(s string) fstest.MapFS {
		return fstest.MapFS{"app.js": {Data: []byte(strings.Repeat("v"+s+" ", 100))}, "same.txt": {Data: []byte("same")}}
	}
	r1 := collect(t, st, v("1"), o)
	r2 := collect(t, st, v("2"), o)
	objs := readAll(t, st)
	h1, h2 := hashedOf(r1.Manifest, "app.js"), hashedOf(r2.Manifest, "app.js")
	if _, ok := objs[h1]; !ok {
		t.Fatal("with 2 manifests kept, the previous run's file is gone")
	}
	r3 := collect(t, st, v("3"), o)
	objs = readAll(t, st)
	if _, ok := objs[h1]; ok {
		t.Error("file named only by the third-newest manifest kept")
	}
	if _, ok := objs[h1+".br"]; ok {
		t.Error("variant of a removed file kept")
	}
	for _, n := range []string{h2, hashedOf(r3.Manifest, "app.js"), hashedOf(r3.Manifest, "same.txt"), "app.js", ManifestName} {
		if _, ok := objs[n]; !ok {
			t.Errorf("%s removed", n)
		}
	}
	if r3.Deleted == 0 {
		t.Error("Deleted = 0")
	}
}

func TestZstdVariant(t *testing.T) {
	st := newMem(t)
	tree := fstest.MapFS{"a.css": {Data: []byte(strings.Repeat("body { color: red }\n", 100))}}
	res := collect(t, st, tree, Options{Compress: &Compression{Zstd: true, ZstdLevel: 3}})
	objs := readAll(t, st)
	h := hashedOf(res.Manifest, "a.css")
	d, _ := zstd.NewReader(nil)
	defer d.Close()
	got, err := d.DecodeAll(objs[h+".zst"], nil)
	if err != nil || string(got) != string(tree["a.css"].Data) {
		t.Errorf("zstd variant: %v", err)
	}
}

// TestDistinctContentCompressedOnce: a file and its hashed copy, and two
// files with the same bytes, are compressed once; every name gets variants.
func TestDistinctContentCompressedOnce(t *testing.T) {
	body := []byte(strings.Repeat("export const x = 1;\n", 200))
	tree := fstest.MapFS{"a/x.js": {Data: body}, "b/x.js": {Data: body}, "c.css": {Data: []byte(strings.Repeat("p{}", 200))}}
	st := newMem(t)
	res := collect(t, st, tree, Options{Compress: &WhiteNoise})
	if res.Compressed != 2 || res.Variants != 4 {
		t.Errorf("compressed %d contents, %d variants; want 2 and 4", res.Compressed, res.Variants)
	}
	objs := readAll(t, st)
	for name := range tree {
		for _, n := range []string{name, hashedOf(res.Manifest, name)} {
			for _, s := range []string{".br", ".gz"} {
				if _, ok := objs[n+s]; !ok {
					t.Errorf("%s%s missing", n, s)
				}
			}
		}
	}
}

// failingDriver refuses to write one name.
type failingDriver struct {
	storage.Driver
	name string
}

func (d failingDriver) Write(ctx context.Context, name string, r io.Reader, o *storage.WriteOptions) error {
	if name == d.name {
		return errors.New("disk full")
	}
	return d.Driver.Write(ctx, name, r, o)
}

// TestWriteFailsMidRun: a write failing midway publishes no manifest; the
// next run completes the tree.
func TestWriteFailsMidRun(t *testing.T) {
	defer checkNoLeak(t, goleak.IgnoreCurrent())
	st := newMem(t)
	bad := st.Wrap(func(d storage.Driver) storage.Driver { return failingDriver{d, "img/a.png"} })
	_, err := Collect(context.Background(), bad, []Source{{FS: siteTree}}, Options{JSModules: true, Compress: &Fast, Concurrency: 2})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if ok, _ := st.Exists(context.Background(), ManifestName); ok {
		t.Fatal("a failed run published a manifest")
	}
	res := collect(t, st, siteTree, Options{JSModules: true, Compress: &Fast})
	for o, h := range res.Manifest.Paths() {
		if ok, _ := st.Exists(context.Background(), h); !ok {
			t.Errorf("%s -> %s missing after the second run", o, h)
		}
	}
}

// TestRecompress: turning compression on for a tree already collected
// compresses nothing (every name is in place) unless Recompress asks.
func TestRecompress(t *testing.T) {
	st := newMem(t)
	collect(t, st, siteTree, Options{JSModules: true})
	res := collect(t, st, siteTree, Options{JSModules: true, Compress: &Fast})
	if res.Compressed != 0 || res.Uploaded != 0 {
		t.Errorf("compression turned on: %+v", res)
	}
	res = collect(t, st, siteTree, Options{JSModules: true, Compress: &Fast, Recompress: true})
	if res.Compressed == 0 || res.Variants == 0 {
		t.Fatalf("Recompress: %+v", res)
	}
	objs := readAll(t, st)
	c := hashedOf(res.Manifest, "js/lib/c.js")
	for _, n := range []string{c + ".br", c + ".zst", "js/lib/c.js.br"} {
		if _, ok := objs[n]; !ok {
			t.Errorf("%s missing after Recompress", n)
		}
	}
	// A changed original drops its stale variants when the new content has none worth keeping.
	changed := fstest.MapFS{}
	for k, v := range siteTree {
		changed[k] = v
	}
	changed["js/lib/c.js"] = &fstest.MapFile{Data: []byte("x")}
	collect(t, st, changed, Options{JSModules: true, Compress: &Fast})
	objs = readAll(t, st)
	if _, ok := objs["js/lib/c.js.br"]; ok {
		t.Error("stale js/lib/c.js.br kept after js/lib/c.js changed")
	}
}
