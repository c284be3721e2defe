// Command site is a small web application whose assets go through
// staticfiles.Collect (hashed names, rewritten CSS and JS module references,
// brotli and gzip variants) and are served by staticfiles.Handler, with
// {{ static }} in its html/template pages and user uploads served safely by
// the media package.
//
//	go run ./examples/site                                   # http://127.0.0.1:8080/
//	go run ./examples/site -static 's3://assets?base_url=https://cdn.example.com/static/&...' -media file:///var/media
//
// Its test loads it in headless Chromium, on the local filesystem and with
// the assets on MinIO behind a CDN-like reverse proxy.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/go-storages/storage"
	_ "github.com/go-storages/storage/filesystem"
	_ "github.com/go-storages/storage/memory"
	_ "github.com/go-storages/storage/s3"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dir := filepath.Join(os.TempDir(), "go-storages-site")
	static := flag.String("static", "", "storage URL of the collected assets (default: a local directory, base URL this site's /static/)")
	mediaURL := flag.String("media", "file://"+filepath.Join(dir, "media"), "storage URL of the uploads")
	flag.Parse()
	if *static == "" {
		*static = "file://" + filepath.Join(dir, "static") + "?base_url=http://" + *addr + "/static/"
	}
	ctx := context.Background()
	for _, d := range []string{filepath.Join(dir, "static"), filepath.Join(dir, "media")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	st, err := storage.Open(ctx, *static)
	if err != nil {
		log.Fatal(err)
	}
	md, err := storage.Open(ctx, *mediaURL)
	if err != nil {
		log.Fatal(err)
	}
	site, err := New(ctx, Config{Static: st, Media: md})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("collected %d files (%d uploaded, %d variants); serving http://%s/", site.Collected.Collected,
		site.Collected.Uploaded, site.Collected.Variants, *addr)
	srv := &http.Server{Addr: *addr, Handler: site, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
