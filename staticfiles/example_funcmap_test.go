package staticfiles_test

import (
	"context"
	"html/template"
	"os"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

// Templates write the CDN URL of the hashed name.
func ExampleFuncMap() {
	ctx := context.Background()
	st, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/static/"))
	st.Save(ctx, staticfiles.ManifestName, strings.NewReader(
		`{"paths": {"css/app.css": "css/app.5d41402abc4b.css"}, "version": "1.0"}`), storage.SaveOptions{})
	m, err := staticfiles.LoadManifest(ctx, st, "")
	if err != nil {
		panic(err)
	}
	t := template.Must(template.New("page").Funcs(staticfiles.FuncMap(m)).Parse(
		`<link rel="stylesheet" href="{{ static "css/app.css" }}">`))
	t.Execute(os.Stdout, nil)
	// Output: <link rel="stylesheet" href="https://cdn.example.com/static/css/app.5d41402abc4b.css">
}
