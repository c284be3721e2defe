package staticfiles

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
)

// rewritten collects tree into memory and returns the hashed copy of name,
// with every hashed name of the tree replaced by "<orig name>#H" so that
// expectations stay readable.
func rewritten(t *testing.T, tree fstest.MapFS, name string, o Options) string {
	t.Helper()
	st := newMem(t)
	res, err := Collect(context.Background(), st, []Source{{FS: tree}}, o)
	if err != nil {
		t.Fatal(err)
	}
	data := string(readAll(t, st)[hashedOf(res.Manifest, name)])
	for orig, h := range res.Manifest.Paths() {
		i := strings.LastIndexByte(h, '/')
		j := strings.LastIndexByte(orig, '/')
		hb, ob := h[i+1:], orig[j+1:]
		data = strings.ReplaceAll(data, hb, ob+"#H")
		data = strings.ReplaceAll(data, url.PathEscape(hb), url.PathEscape(ob)+"#H")
	}
	return data
}

func TestRewriteCSS(t *testing.T) {
	tree := fstest.MapFS{
		"css/a.css":     {Data: nil},
		"css/b.css":     {Data: []byte("b")},
		"css/a.css.map": {Data: []byte("{}")},
		"img/x.png":     {Data: []byte("x")},
		"img/a b.png":   {Data: []byte("ab")},
	}
	for _, tc := range []struct{ in, want string }{
		// Django's forms and templates.
		{`a{b:url(../img/x.png)}`, `a{b:url("../img/x.png#H")}`},
		{`a{b:url('../img/x.png')}`, `a{b:url("../img/x.png#H")}`},
		{`a{b:URL("../img/x.png")}`, `a{b:url("../img/x.png#H")}`},
		{`@import "b.css";`, `@import url("b.css#H");`},
		{`@import   'b.css' screen;`, `@import url("b.css#H") screen;`},
		{`@import url(b.css);`, `@import url("b.css#H");`},
		{`@import /* c */ "b.css";`, `@import /* c */ url("b.css#H");`},
		{`a{b:url(/static/img/x.png?v=1#f)}`, `a{b:url("/static/img/x.png#H?v=1#f")}`},
		{`a{b:url(../img/x.png?#iefix)}`, `a{b:url("../img/x.png#H?#iefix")}`},
		{"x{}\n/*# sourceMappingURL=a.css.map */", "x{}\n/*# sourceMappingURL=a.css.map#H */"},
		{"x{}\n/*#\tsourceMappingURL=a.css.map*/\n", "x{}\n/*# sourceMappingURL=a.css.map#H */\n"},
		// Left alone, as Django does.
		{`a{b:url(data:image/png;base64,AAAA)}`, `a{b:url(data:image/png;base64,AAAA)}`},
		{`a{b:url(https://x.org/x.png)}`, `a{b:url(https://x.org/x.png)}`},
		{`a{b:url(//x.org/x.png)}`, `a{b:url(//x.org/x.png)}`},
		{`a{b:url(/media/x.png)}`, `a{b:url(/media/x.png)}`},
		{`a{b:url("")}`, `a{b:url("")}`},
		// Deliberate differences from Django, each on purpose:
		// fragment-only stays as written (Django 3.2 quoted it; 4.2 leaves it),
		{`a{filter:url(#glow)}`, `a{filter:url(#glow)}`},
		// blanks around a quoted URL (breaks Django),
		{`a{b:url(  "../img/x.png"  )}`, `a{b:url("../img/x.png#H")}`},
		// comments and strings are not references (Django rewrites them),
		{`/* url(../img/x.png) */ a{content:"url(../img/x.png)"}`, `/* url(../img/x.png) */ a{content:"url(../img/x.png)"}`},
		// a source map comment not on a line of its own,
		{`x{} /*# sourceMappingURL=a.css.map */`, `x{} /*# sourceMappingURL=a.css.map */`},
		// percent-encoding is kept (Django decodes it: url("../img/a b.<h>.png")).
		{`a{b:url(../img/a%20b.png)}`, `a{b:url("../img/a%20b.png#H")}`},
		{`a{b:url("../img/a b.png")}`, `a{b:url("../img/a b.png#H")}`},
	} {
		tree["css/a.css"] = &fstest.MapFile{Data: []byte(tc.in)}
		if got := rewritten(t, tree, "css/a.css", Options{}); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestRewriteJS(t *testing.T) {
	tree := fstest.MapFS{
		"js/a.js":     {Data: nil},
		"js/b.js":     {Data: []byte("export const b = 1")},
		"js/a.js.map": {Data: []byte("{}")},
		"js/c.mjs":    {Data: []byte("export default 1")},
	}
	for _, tc := range []struct{ in, want string }{
		// Django 4.0+: source maps at the start of a line.
		{"x()\n//# sourceMappingURL=a.js.map", "x()\n//# sourceMappingURL=a.js.map#H"},
		{"x()\n//# sourceMappingURL=a.js.map  \n", "x()\n//# sourceMappingURL=a.js.map#H  \n"},
		{"x()\n  //# sourceMappingURL=a.js.map", "x()\n  //# sourceMappingURL=a.js.map"},
		// Django 4.2 module forms (quotes and spacing kept).
		{`import b from "./b.js";`, `import b from "./b.js#H";`},
		{"import {\n  b as c,\n} from './b.js'", "import {\n  b as c,\n} from './b.js#H'"},
		{`import * as ns from '../js/b.js';`, `import * as ns from '../js/b.js#H';`},
		{`export { b } from "./b.js";`, `export { b } from "./b.js#H";`},
		{`export * from './c.mjs'`, `export * from './c.mjs#H'`},
		{`import "./b.js";`, `import "./b.js#H";`},
		{`const m = await import( './b.js' );`, `const m = await import( './b.js#H' );`},
		{`import b from "/static/js/b.js" with { type: "js" };`, `import b from "/static/js/b.js#H" with { type: "js" };`},
		// Not references: bare specifiers, non-literal dynamic imports,
		// strings, comments, template literals, regular expressions, members.
		{`import _ from "lodash"; import("react")`, `import _ from "lodash"; import("react")`},
		{`import('./b.js' + x)`, `import('./b.js' + x)`},
		{`const s = "import './b.js'"; // import './b.js'`, `const s = "import './b.js'"; // import './b.js'`},
		{"const t = `import('./b.js') ${a / 2} from './b.js'`", "const t = `import('./b.js') ${a / 2} from './b.js'`"},
		{`const r = /from '.\/b.js'/g, d = a / 2 / 1; /* import "./b.js" */`, `const r = /from '.\/b.js'/g, d = a / 2 / 1; /* import "./b.js" */`},
		{`x.import('./b.js')`, `x.import('./b.js')`},
		// "from" is a keyword only in an import or export declaration:
		// elsewhere it is an identifier, and a string after it is not a
		// module specifier (issue 14).
		{"let from = a\nfrom\n'./b.js'", "let from = a\nfrom\n'./b.js'"},
		{"const from = 1; foo(from './b.js')", "const from = 1; foo(from './b.js')"},
		{"x = {from: './b.js'}; y = o.from\n'./b.js'", "x = {from: './b.js'}; y = o.from\n'./b.js'"},
		{"export const from = './b.js'; export default from\n'./b.js'", "export const from = './b.js'; export default from\n'./b.js'"},
		{"export { from }\n'./b.js'", "export { from }\n'./b.js'"},
		{"export {a}\nconst from = 2\nfrom\n'./b.js'", "export {a}\nconst from = 2\nfrom\n'./b.js'"},
		{"import x from './b.js'\nfrom\n'./b.js'", "import x from './b.js#H'\nfrom\n'./b.js'"},
		// and "from" may be a binding's name in a declaration.
		{`import from from "./b.js";`, `import from from "./b.js#H";`},
		{`import {from, "./c.mjs" as c} from "./b.js";`, `import {from, "./c.mjs" as c} from "./b.js#H";`},
		{`import d, {from as f} from './b.js'`, `import d, {from as f} from './b.js#H'`},
		{"export {a}\nfrom\n\"./b.js\"", "export {a}\nfrom\n\"./b.js#H\""},
		{`export * as from from './c.mjs'`, `export * as from from './c.mjs#H'`},
	} {
		tree["js/a.js"] = &fstest.MapFile{Data: []byte(tc.in)}
		if got := rewritten(t, tree, "js/a.js", Options{JSModules: true}); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
	// Without JSModules only source maps change.
	tree["js/a.js"] = &fstest.MapFile{Data: []byte("import b from './b.js'\n//# sourceMappingURL=a.js.map")}
	if got := rewritten(t, tree, "js/a.js", Options{}); got != "import b from './b.js'\n//# sourceMappingURL=a.js.map#H" {
		t.Errorf("without JSModules: %s", got)
	}
}

// TestTokensCoverEveryByte: a file without references comes out byte for
// byte, whatever it holds (broken CSS, unterminated strings and
// comments, invalid UTF-8, NULs).
func TestTokensCoverEveryByte(t *testing.T) {
	for _, in := range []string{
		"a { b: url(x.png",
		"@import 'unterminated\n",
		"/* unterminated",
		"a{b:\"\xff\xfe\x00\"} url( bad url ) url(\"bad\nstring\")",
		"const a = `unterminated ${",
		"let r = /unterminated\n",
		"\x00\x01\xc3",
	} {
		for _, k := range []rewriteKind{kindCSS, kindJS} {
			data := []byte(in)
			refs := findRefs(k, data, true)
			edits := make([]edit, len(refs))
			for i, r := range refs {
				edits[i] = edit{r.start, r.end, string(data[r.start:r.end])}
			}
			if out := applyEdits(data, edits); string(out) != in {
				t.Errorf("%q changed to %q", in, out)
			}
			if string(data) != in {
				t.Errorf("lexing modified the input %q", in)
			}
		}
	}
}

func TestHashedName(t *testing.T) {
	for in, want := range map[string]string{
		"css/app.css":      "css/app.H.css",
		"jquery.min.js":    "jquery.min.H.js",
		"a.tar.gz":         "a.tar.H.gz",
		"LICENSE":          "LICENSE.H",
		".htaccess":        ".htaccess.H",
		"dir.v2/noext":     "dir.v2/noext.H",
		"..a":              "..a.H",
		"fonts/f.woff2":    "fonts/f.H.woff2",
		"img/café 😀.png":   "img/café 😀.H.png",
		"staticfiles.json": "staticfiles.H.json",
	} {
		if got := hashedName(in, "H"); got != want {
			t.Errorf("hashedName(%q) = %q, want %q", in, got, want)
		}
	}
}
