package staticfiles_test

import (
	"context"
	"errors"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

const funcMapManifest = `{"paths": {"css/app.css": "css/app.0123456789ab.css", "fonts/a b.woff": "fonts/a b.abcdefabcdef.woff", "js/app.js": "js/app.111111111111.js"}, "version": "1.0"}`

func loadedManifest(t testing.TB, opts ...storage.Option) *staticfiles.Manifest {
	t.Helper()
	st, err := memory.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Save(ctx, staticfiles.ManifestName, strings.NewReader(funcMapManifest), storage.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	m, err := staticfiles.LoadManifest(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFuncMapTemplates(t *testing.T) {
	m := loadedManifest(t, storage.WithBaseURL("https://cdn.example.com/static/"))
	const page = `<link rel="stylesheet" href="{{ static "css/app.css" }}">` +
		`<style>@font-face{src:url("{{ static "fonts/a b.woff?#iefix" }}")}</style>` +
		`<script type="module" src="{{ static "js/app.js" }}"></script>`
	var html strings.Builder
	ht := htmltemplate.Must(htmltemplate.New("p").Funcs(staticfiles.FuncMap(m)).Parse(page))
	if err := ht.Execute(&html, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`href="https://cdn.example.com/static/css/app.0123456789ab.css"`,
		`src="https://cdn.example.com/static/js/app.111111111111.js"`,
	} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("html/template output lacks %s:\n%s", want, html.String())
		}
	}
	var text strings.Builder
	tt := texttemplate.Must(texttemplate.New("p").Funcs(staticfiles.FuncMap(m)).Parse(`{{ static "fonts/a b.woff?#iefix" }} {{ static "fonts/a%20b.woff" }}`))
	if err := tt.Execute(&text, nil); err != nil {
		t.Fatal(err)
	}
	if want := "https://cdn.example.com/static/fonts/a%20b.abcdefabcdef.woff?#iefix https://cdn.example.com/static/fonts/a%20b.abcdefabcdef.woff"; text.String() != want {
		t.Errorf("text/template: %q, want %q", text.String(), want)
	}
}

func TestFuncMapStrictAndLenient(t *testing.T) {
	m := loadedManifest(t, storage.WithBaseURL("https://cdn1.example.com/", "https://cdn2.example.com/"))
	tpl := texttemplate.Must(texttemplate.New("p").Funcs(staticfiles.FuncMap(m)).Parse(`{{ static "css/missing.css" }}`))
	err := tpl.Execute(&strings.Builder{}, nil)
	if !errors.Is(err, storage.ErrNotExist) || !strings.Contains(err.Error(), "css/missing.css") ||
		!strings.Contains(err.Error(), "missing staticfiles manifest entry") {
		t.Errorf("strict: %v", err)
	}
	static := staticfiles.FuncMapWith(m, staticfiles.FuncMapOptions{Lenient: true, Name: "asset"})["asset"].(func(string) (string, error))
	u, err := static("css/missing.css?v=1")
	if err != nil || (u != "https://cdn1.example.com/css/missing.css?v=1" && u != "https://cdn2.example.com/css/missing.css?v=1") {
		t.Errorf("lenient: %q, %v", u, err)
	}
	// Sharding: the URL of each name is the storage's own.
	st, _ := memory.New(storage.WithBaseURL("https://cdn1.example.com/", "https://cdn2.example.com/"))
	want, _ := st.URL("css/app.0123456789ab.css")
	if got, _ := static("css/app.css"); got != want {
		t.Errorf("sharded: %q, want %q", got, want)
	}
	// A manifest parsed from bytes has no storage to build URLs.
	parsed, err := staticfiles.ParseManifest(strings.NewReader(funcMapManifest))
	if err != nil {
		t.Fatal(err)
	}
	_, err = staticfiles.FuncMap(parsed)["static"].(func(string) (string, error))("css/app.css")
	if !errors.Is(err, storage.ErrUnsupported) {
		t.Errorf("no storage: %v", err)
	}
	_, err = staticfiles.FuncMap(nil)["static"].(func(string) (string, error))("css/app.css")
	if !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("nil manifest: %v", err)
	}
}

// BenchmarkStatic: one resolution of {{ static }} (target <= 50 ns, no
// allocation), next to Manifest.URL which builds the URL on every call.
func BenchmarkStatic(b *testing.B) {
	m := loadedManifest(b, storage.WithBaseURL("https://cdn.example.com/static/"))
	static := staticfiles.FuncMap(m)["static"].(func(string) (string, error))
	b.Run("funcmap", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := static("css/app.css"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("manifest.URL", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.URL("css/app.css"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
