package filesystem_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/filesystem"
)

// readerFromRecorder is an io.Writer with ReadFrom, as a net/http response
// and a TCP connection are; it records what ReadFrom was given.
type readerFromRecorder struct {
	strings.Builder
	src io.Reader
}

func (r *readerFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.src = src
	return io.Copy(&r.Builder, struct{ io.Reader }{src})
}

// io.Copy from an opened file to a writer with ReadFrom hands it the
// *os.File itself, which is what lets net/http send it with sendfile.
func TestWriteToHandsTheFileToReadFrom(t *testing.T) {
	st := newStorage(t, filesystem.Config{})
	mustSave(t, st, "a.txt", "0123456789", storage.SaveOptions{})
	rd, err := st.Open(context.Background(), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, err := rd.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var w readerFromRecorder
	n, err := io.Copy(&w, rd)
	if err != nil || n != 8 || w.String() != "23456789" {
		t.Fatalf("copy = %d, %v, %q", n, err, w.String())
	}
	if _, ok := w.src.(*os.File); !ok {
		t.Errorf("ReadFrom got %T, want *os.File", w.src)
	}
}
