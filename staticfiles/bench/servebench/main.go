// Command servebench is the Go side of staticfiles/bench/serve.sh: it serves
// a directory on a loopback port either with staticfiles.Handler over the
// filesystem driver, or with the minimal net/http handler that writes one
// file's bytes from memory with the same headers (the floor any Go handler
// can reach).
//
//	servebench -mode handler -root DIR -addr 127.0.0.1:8081
//	servebench -mode minimal -root DIR -file static/css/x.css -addr 127.0.0.1:8082
//	servebench -mode servecontent -root DIR -file static/css/x.css -addr 127.0.0.1:8083
package main

import (
	"bytes"
	"context"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-storages/storage/filesystem"
	"github.com/go-storages/storage/staticfiles"
)

func main() {
	mode := flag.String("mode", "handler", "handler or minimal")
	root := flag.String("root", "", "directory served under /")
	file := flag.String("file", "", "minimal: the file (relative to root) whose .br variant is written")
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address (to see where the time goes)")
	flag.Parse()
	if *pprofAddr != "" {
		go func() { log.Println(http.ListenAndServe(*pprofAddr, nil)) }()
	}
	var h http.Handler
	switch *mode {
	case "handler":
		st, err := filesystem.New(*root)
		if err != nil {
			log.Fatal(err)
		}
		sh, err := staticfiles.NewHandler(context.Background(), st, staticfiles.HandlerOptions{})
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("handler: %d files indexed", sh.Len())
		h = sh
	case "minimal":
		h = minimal(*root, *file, false)
	case "servecontent":
		h = minimal(*root, *file, true)
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// minimal writes the brotli bytes of one file from memory with the headers
// the handler sends, and nothing else: no lookup, no negotiation, no
// conditionals. With serveContent it hands them to http.ServeContent
// instead (conditionals and ranges by the standard library), to measure
// what that costs.
func minimal(root, file string, serveContent bool) http.Handler {
	body, err := os.ReadFile(filepath.Join(root, file+".br"))
	if err != nil {
		log.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, file+".br"))
	if err != nil {
		log.Fatal(err)
	}
	path := "/" + strings.TrimPrefix(filepath.ToSlash(file), "/")
	etag := `"` + strconv.FormatInt(fi.ModTime().UnixNano(), 16) + "-" + strconv.Itoa(len(body)) + `"`
	lm := fi.ModTime().UTC().Format(http.TimeFormat)
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if serveContent {
			h.Set("Content-Type", "text/css; charset=utf-8")
			h.Set("Content-Encoding", "br")
			h.Set("Cache-Control", staticfiles.ImmutableCacheControl)
			h.Set("Etag", etag)
			h.Set("Vary", "Accept-Encoding")
			h.Set("X-Content-Type-Options", "nosniff")
			http.ServeContent(w, r, "", fi.ModTime(), bytes.NewReader(body))
			return
		}
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("Content-Encoding", "br")
		h.Set("Content-Length", length)
		h.Set("Cache-Control", staticfiles.ImmutableCacheControl)
		h.Set("Etag", etag)
		h.Set("Last-Modified", lm)
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Accept-Ranges", "bytes")
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
}
