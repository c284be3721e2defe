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
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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

// Open checks a scheme end to end on an existing, empty bucket: the URL
// bucketURL+"/media?"+params, with conflict=fail and a base_url added,
// hides every one of secrets in ParsedURL.String, opens, saves a.txt,
// refuses to save it again, and makes its public URL under the base
// (location included); a storage opened with whole, a URL of the whole
// bucket, then reads the object as media/a.txt.
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
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "hello" {
		t.Fatalf("read %q, %v", b, err)
	}
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
