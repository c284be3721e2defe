package storage

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"

	"github.com/go-storages/storage/internal/webtypes"
)

// TypeByExtension returns the content type of name's extension: from a
// built-in table of web types first (HTML, CSS, JavaScript, JSON, source
// maps, web manifests, WebAssembly, images, fonts, audio, video, archives:
// ".js" is "text/javascript; charset=utf-8" and ".wasm"
// "application/wasm" whatever the host's /etc/mime.types says), then
// [mime.TypeByExtension] for the rest. It returns "" when neither knows the
// extension. Save uses it when SaveOptions.ContentType is empty, before
// sniffing the bytes.
func TypeByExtension(name string) string {
	if t, ok := webtypes.ByName(name); ok {
		return t
	}
	if ext := path.Ext(name); ext != "" {
		return mime.TypeByExtension(ext)
	}
	return ""
}

// detectContentType guesses the content type of name from its extension,
// then from the first 512 bytes of r. It returns a reader that still yields
// every byte of r: r itself when it can seek (sk, at start), which is read
// and moved back (or read at offsets when it is an io.ReaderAt), so a
// driver still sees the caller's file; otherwise the bytes read and the
// rest of r.
func detectContentType(name string, r io.Reader, sk io.Seeker, start int64) (string, io.Reader, error) {
	if t := TypeByExtension(name); t != "" {
		return t, r, nil
	}
	head := make([]byte, 512)
	if sk != nil {
		var n int
		var err error
		if ra, ok := r.(io.ReaderAt); ok {
			n, err = ra.ReadAt(head, start)
		} else {
			n, err = io.ReadFull(r, head)
			if _, serr := sk.Seek(start, io.SeekStart); serr != nil {
				return "", nil, serr
			}
		}
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return "", nil, err
		}
		return http.DetectContentType(head[:n]), r, nil
	}
	n, err := io.ReadFull(r, head)
	head = head[:n]
	switch err {
	case nil:
		return http.DetectContentType(head), io.MultiReader(bytes.NewReader(head), r), nil
	case io.EOF, io.ErrUnexpectedEOF:
		// All of r is in head: keep a reader that reports its length.
		return http.DetectContentType(head), bytes.NewReader(head), nil
	}
	return "", nil, err
}
