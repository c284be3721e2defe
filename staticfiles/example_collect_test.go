package staticfiles_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/memory"
	"github.com/go-storages/storage/staticfiles"
)

func ExampleCollect() {
	ctx := context.Background()
	// The destination: any storage (S3, GCS, Azure, a directory); memory here.
	st, _ := memory.New(storage.WithBaseURL("https://cdn.example.com/static/"))
	// The sources: usually os.DirFS("static"), or an embed.FS.
	src := fstest.MapFS{
		"css/app.css":  {Data: []byte(`body { background: url("../img/logo.png") }`)},
		"img/logo.png": {Data: []byte("\x89PNG...")},
	}
	res, err := staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: src}}, staticfiles.Options{
		Compress: &staticfiles.WhiteNoise, // name.br and name.gz beside each text file
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Collected, "files,", res.Uploaded, "objects written") // hashed and original names, the manifest and its versioned copy
	css, _ := res.Manifest.Lookup("css/app.css")
	fmt.Println(css)
	u, _ := res.Manifest.URL("img/logo.png")
	fmt.Println(u)

	// A second run finds everything in place: one listing, nothing written.
	res, _ = staticfiles.Collect(ctx, st, []staticfiles.Source{{FS: src}}, staticfiles.Options{Compress: &staticfiles.WhiteNoise})
	fmt.Println(res.Unchanged, "unchanged,", res.Uploaded, "written")
	// Output:
	// 2 files, 6 objects written
	// css/app.7354c2bdaa51.css
	// https://cdn.example.com/static/img/logo.d90b695d3eef.png
	// 2 unchanged, 0 written
}
