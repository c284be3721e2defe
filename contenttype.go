package storage

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
)

// detectContentType guesses the content type of name from its extension,
// then from the first 512 bytes of r. It returns a reader that still yields
// every byte of r.
func detectContentType(name string, r io.Reader) (string, io.Reader, error) {
	if ext := path.Ext(name); ext != "" {
		if t := mime.TypeByExtension(ext); t != "" {
			return t, r, nil
		}
	}
	head := make([]byte, 512)
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
