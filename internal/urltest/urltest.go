// Package urltest holds the checks every driver's URL scheme passes (see
// storage.Open), so the drivers' URL tests are tables, not copies.
package urltest

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-storages/storage"
)

// Errors checks that storage.ParseURL refuses each URL of cases with an
// error matching storage.ErrInvalidArgument whose text contains the
// case's value (the parameter at fault, quoted, or a phrase), and that no
// error shows any of secrets.
func Errors(t *testing.T, cases map[string]string, secrets ...string) {
	t.Helper()
	for raw, want := range cases {
		_, err := storage.ParseURL(raw)
		if err == nil || !errors.Is(err, storage.ErrInvalidArgument) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument mentioning %s", raw, err, want)
			continue
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: error shows a secret: %v", raw, err)
			}
		}
	}
}

// Accepts checks that storage.ParseURL accepts each URL.
func Accepts(t *testing.T, raws ...string) {
	t.Helper()
	for _, raw := range raws {
		if _, err := storage.ParseURL(raw); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

// Open checks a scheme end to end on an existing bucket without a
// media/a.txt: the URL bucketURL+"/media?"+params, with conflict=fail and a
// base_url added, hides every one of secrets in ParsedURL.String, opens,
// saves a.txt, refuses to save it again, and makes its public URL under the
// base (location included); a storage opened with whole, a URL of the
// whole bucket, then reads the object as media/a.txt, and deletes it.
func Open(t *testing.T, bucketURL string, params url.Values, whole string, secrets ...string) {
	t.Helper()
	ctx := context.Background()
	q := url.Values{"conflict": {"fail"}, "base_url": {"https://cdn.example.com/"}}
	for k, v := range params {
		q[k] = v
	}
	p, err := storage.ParseURL(bucketURL + "/media?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(p.String(), s) || strings.Contains(p.String(), url.QueryEscape(s)) {
			t.Fatalf("String() shows a secret: %s", p)
		}
	}
	st, err := p.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("hello"), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, "a.txt", strings.NewReader("again"), storage.SaveOptions{}); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("conflict=fail not applied: %v", err)
	}
	if u, err := st.URL("a.txt"); u != "https://cdn.example.com/media/a.txt" {
		t.Fatalf("URL = %q, %v", u, err)
	}
	all, err := storage.Open(ctx, whole)
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	f, err := all.Open(ctx, "media/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil || string(b) != "hello" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := all.Delete(ctx, "media/a.txt"); err != nil {
		t.Fatal(err)
	}
}

// Params checks the URL parameters that the url tags of cfg (a driver's
// Config) declare, through the scheme of base, a valid URL without
// parameters ("s3://b"): they are all in the Scheme documentation
// (Documented); for each name (aliases too), a value of the wrong form for
// its field's type (a negative count, a bool that is not one, an unknown
// enum value, a bad duration or permission) is refused naming it; a
// parameter given under its name and an alias is refused; a secret one
// given twice, or with an unknown parameter, is refused without showing its
// value, which ParsedURL.String hides too. When a field takes the URL's host (host=...), a URL without a
// host and one giving the location both as its path and as a parameter are
// refused.
func Params(t *testing.T, base string, cfg any) {
	t.Helper()
	Documented(t, cfg)
	const secret = "s3cr3tVALUEurltest"
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{}
	typ := reflect.TypeOf(cfg)
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag, ok := f.Tag.Lookup("url")
		if !ok {
			continue
		}
		names, opts, _ := strings.Cut(tag, ",")
		if names == "" {
			word := strings.TrimPrefix(opts, "host=")
			cases[u.Scheme+":///prefix"] = "want " + u.Scheme + "://" + word + "[/prefix]"
			cases[base+"/p?location=q"] = `"location"`
			continue
		}
		all := strings.Split(names, "|")
		bad := badValue(f.Type, opts)
		for _, n := range all {
			if bad != "" {
				cases[base+"?"+n+"="+url.QueryEscape(bad)] = strconv.Quote(n)
			}
		}
		if len(all) > 1 {
			cases[base+"?"+all[0]+"=1&"+all[1]+"=1"] = strconv.Quote(all[1])
		}
		if strings.Contains(","+opts+",", ",secret,") {
			cases[base+"?"+all[0]+"="+secret+"&"+all[0]+"="+secret] = strconv.Quote(all[0])
			cases[base+"?"+all[0]+"="+secret+"&urltest_typo=1"] = `"urltest_typo": unknown`
			if p, err := storage.ParseURL(base + "?" + all[0] + "=" + secret); err == nil && strings.Contains(p.String(), secret) {
				t.Errorf("%s: String() shows the secret: %s", all[0], p)
			}
		}
	}
	Errors(t, cases, secret)
}

// Unknown checks that the scheme of base (a valid URL without parameters)
// refuses each of names as an unknown parameter: gocloud.dev's parameters
// a driver has no equivalent for, or names it no longer takes.
func Unknown(t *testing.T, base string, names ...string) {
	t.Helper()
	cases := map[string]string{}
	for _, n := range names {
		cases[base+"?"+n+"=1"] = strconv.Quote(n) + ": unknown"
	}
	Errors(t, cases)
}

// Together checks that the scheme of base refuses each of the parameters
// first and second given without the other, naming first: they only work
// together (a key and its secret, a signing key and its base URL).
func Together(t *testing.T, base, first, second string) {
	t.Helper()
	Errors(t, map[string]string{
		base + "?" + first + "=x":  strconv.Quote(first),
		base + "?" + second + "=x": strconv.Quote(first),
	})
}

// badValue is a value of the wrong form for a field of type typ with the
// url tag options opts, or "" when every string is valid.
func badValue(typ reflect.Type, opts string) string {
	switch {
	case typ == reflect.TypeFor[time.Duration]():
		return "soon"
	case typ == reflect.TypeFor[fs.FileMode]():
		return "rwx"
	case typ == reflect.TypeFor[*storage.Budget]():
		return "-1"
	case strings.Contains(opts, "enum="):
		return "NOT-ONE-OF-THEM"
	}
	switch typ.Kind() {
	case reflect.Bool:
		return "maybe"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "-1"
	}
	return ""
}

// Documented checks that the documentation of the package's Scheme
// constant, in the Go files of the current directory, names every URL
// parameter declared in the url tags of cfg's fields (aliases included),
// so that the list users read stays complete.
func Documented(t *testing.T, cfg any) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if d, ok := d.(*ast.GenDecl); ok && d.Tok == token.CONST && d.Doc != nil {
				for _, s := range d.Specs {
					if vs, ok := s.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "Scheme" {
						doc = d.Doc.Text()
					}
				}
			}
		}
	}
	if doc == "" {
		t.Fatal("no documented Scheme constant in this package")
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(doc, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		words[w] = true
	}
	typ := reflect.TypeOf(cfg)
	for i := range typ.NumField() {
		tag, ok := typ.Field(i).Tag.Lookup("url")
		if !ok {
			continue
		}
		names, _, _ := strings.Cut(tag, ",")
		if names == "" {
			continue // the URL's host (host=...), not a parameter
		}
		for _, n := range strings.Split(names, "|") {
			if !words[n] {
				t.Errorf("URL parameter %q (Config.%s) is not in the Scheme documentation", n, typ.Field(i).Name)
			}
		}
	}
}
