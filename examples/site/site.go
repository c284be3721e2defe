package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"testing/fstest"

	"golang.org/x/image/font/gofont/goregular"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/media"
	"github.com/go-storages/storage/staticfiles"
)

//go:embed assets templates
var files embed.FS

// MaxUpload is the largest upload the form accepts.
const MaxUpload = 10 << 20

// Config says where the site's files live.
type Config struct {
	// Static receives the collected assets. Its base URL is what the pages
	// link to: this site's own /static/, or a CDN in front of it.
	Static *storage.Storage
	// Media holds the uploads, served under /media/.
	Media *storage.Storage
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Site is the example web application.
type Site struct {
	cfg       Config
	mux       *http.ServeMux
	page      *template.Template
	Collected *staticfiles.Result
}

// sources are the assets to collect: the embedded tree, and the Go font
// (BSD licensed, shipped as bytes by golang.org/x/image) as fonts/.
func sources() ([]staticfiles.Source, error) {
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		return nil, err
	}
	fonts := fstest.MapFS{"go-regular.ttf": &fstest.MapFile{Data: goregular.TTF, Mode: 0o644}}
	return []staticfiles.Source{{FS: assets}, {FS: fonts, Prefix: "fonts"}}, nil
}

// New collects the assets into cfg.Static (hashed names, rewritten
// references, brotli and gzip variants, manifest) and returns the site.
func New(ctx context.Context, cfg Config) (*Site, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	src, err := sources()
	if err != nil {
		return nil, err
	}
	res, err := staticfiles.Collect(ctx, cfg.Static, src, staticfiles.Options{
		JSModules: true,
		Compress:  &staticfiles.WhiteNoise,
		Logger:    cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("collectstatic: %w", err)
	}
	static, err := staticfiles.NewHandler(ctx, cfg.Static, staticfiles.HandlerOptions{
		Prefix:   "/static/",
		Manifest: res.Manifest,
		// Module scripts and fonts from a CDN's origin need CORS.
		CORSAllFiles: true,
		Logger:       cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	uploads, err := media.NewHandler(cfg.Media, media.Options{Prefix: "/media/", Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	page, err := template.New("index.html").Funcs(staticfiles.FuncMap(res.Manifest)).ParseFS(files, "templates/index.html")
	if err != nil {
		return nil, err
	}
	s := &Site{cfg: cfg, mux: http.NewServeMux(), page: page, Collected: res}
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("POST /upload", s.upload)
	s.mux.Handle("/static/", static)
	s.mux.Handle("/media/", uploads)
	return s, nil
}

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

type upload struct{ Name, URL string }

func (s *Site) index(w http.ResponseWriter, r *http.Request) {
	var ups []upload
	for e, err := range s.cfg.Media.List(r.Context(), "uploads/", storage.ListOptions{}) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ups = append(ups, upload{Name: path.Base(e.Name), URL: "/media/" + storage.EscapePath(e.Name)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := s.page.Execute(w, struct{ Uploads []upload }{ups}); err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "site: page", "err", err)
	}
}

func (s *Site) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file uploaded: "+err.Error(), http.StatusBadRequest)
		return
	}
	defer f.Close()
	name, err := storage.SafeName(hdr.Filename)
	if err != nil {
		http.Error(w, "file name refused: "+err.Error(), http.StatusBadRequest)
		return
	}
	// The type comes from the name, never from the client or the bytes;
	// media.Save makes script-capable types download.
	if _, err := media.Save(r.Context(), s.cfg.Media, "uploads/"+name, f, storage.SaveOptions{}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, storage.ErrInvalidName) || errors.Is(err, storage.ErrInvalidArgument) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.cfg.Logger.ErrorContext(r.Context(), "site", "err", err)
	http.Error(w, "internal server error", http.StatusInternalServerError)
}
