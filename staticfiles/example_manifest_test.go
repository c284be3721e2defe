package staticfiles_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

func ExampleLoadManifest() {
	ctx := context.Background()
	st, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/static/"))
	// A manifest as Django's collectstatic writes it.
	st.Save(ctx, staticfiles.ManifestName, strings.NewReader(
		`{"paths": {"css/app.css": "css/app.5d41402abc4b.css"}, "version": "1.1", "hash": "0c3d8e2c7a51"}`),
		storage.SaveOptions{})

	m, err := staticfiles.LoadManifest(ctx, st, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	name, _ := m.Lookup("css/app.css")
	u, _ := m.URL("css/app.css?v=1")
	fmt.Println(name)
	fmt.Println(u)
	// Output:
	// css/app.5d41402abc4b.css
	// https://cdn.example.com/static/css/app.5d41402abc4b.css?v=1
}
