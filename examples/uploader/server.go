package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/go-storages/storage"
)

// uploadDir is the directory uploads are saved under.
const uploadDir = "uploads/"

// file is what the API returns for one stored file.
type file struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	URL  string `json:"url,omitempty"`
}

// server is the HTTP service: it knows nothing of the backend.
type server struct {
	st       *storage.Storage
	log      *slog.Logger
	maxBytes int64
}

// newHandler returns the service's routes:
//
//	POST /files         upload (multipart/form-data, field "file"), returns the file as JSON
//	GET  /files         list the uploads as JSON
//	GET  /media/{name}  the files themselves, for backends without a CDN
//	                    (point base_url here, as in the development config;
//	                    the storage must then have no location prefix, since
//	                    public URLs include it and this route does not)
func newHandler(ctx context.Context, st *storage.Storage, log *slog.Logger, maxBytes int64) http.Handler {
	s := &server{st: st, log: log, maxBytes: maxBytes}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /files", s.upload)
	mux.HandleFunc("GET /files", s.list)
	mux.Handle("GET /media/", http.StripPrefix("/media", http.FileServer(http.FS(st.FS(ctx)))))
	return mux
}

func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, http.StatusBadRequest, "want multipart/form-data with a \"file\" field")
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			s.fail(w, statusOf(err, http.StatusBadRequest), "no \"file\" field in the form")
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		safe, err := storage.SafeName(part.FileName())
		if err != nil {
			s.fail(w, http.StatusBadRequest, "unusable file name")
			return
		}
		opts := storage.SaveOptions{}
		if ct := part.Header.Get("Content-Type"); ct != "" && ct != "application/octet-stream" {
			if _, _, err := mime.ParseMediaType(ct); err == nil {
				opts.ContentType = ct
			}
		}
		// The part streams straight into the storage: nothing is buffered
		// beyond the driver's own upload chunks.
		name, err := s.st.Save(r.Context(), uploadDir+safe, part, opts)
		if err != nil {
			s.log.ErrorContext(r.Context(), "save failed", "name", safe, "error", err)
			s.fail(w, statusOf(err, http.StatusInternalServerError), "could not store the file")
			return
		}
		a, err := s.st.Stat(r.Context(), name)
		if err != nil {
			s.fail(w, http.StatusInternalServerError, "could not read back the file")
			return
		}
		s.json(w, http.StatusCreated, s.describe(r.Context(), name, a.Size))
		return
	}
}

func (s *server) list(w http.ResponseWriter, r *http.Request) {
	out := []file{}
	for e, err := range s.st.List(r.Context(), uploadDir, storage.ListOptions{}) {
		if err != nil {
			s.log.ErrorContext(r.Context(), "list failed", "error", err)
			s.fail(w, http.StatusInternalServerError, "could not list the files")
			return
		}
		out = append(out, s.describe(r.Context(), e.Name, e.Size))
	}
	s.json(w, http.StatusOK, out)
}

// describe builds the file's JSON, with its public URL, or a signed URL
// valid for an hour when the storage has no public base URL.
func (s *server) describe(ctx context.Context, name string, size int64) file {
	f := file{Name: name, Size: size}
	u, err := s.st.URL(name)
	if errors.Is(err, storage.ErrUnsupported) {
		u, err = s.st.SignedURL(ctx, name, storage.SignOptions{Expiry: time.Hour})
	}
	if err == nil {
		f.URL = u
	}
	return f
}

// statusOf maps an error to an HTTP status: an upload over the limit is
// 413, a body cut short 400, a storage error what storage.HTTPStatus says
// (the one mapping of the module's handlers), anything else fallback.
func statusOf(err error, fallback int) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest
	case storage.KindOf(err) != nil:
		return storage.HTTPStatus(err)
	}
	return fallback
}

func (s *server) fail(w http.ResponseWriter, status int, msg string) {
	s.json(w, status, map[string]string{"error": msg})
}

func (s *server) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
