package s3_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/corrupt"
)

// TestDownloadVerified: a whole read of a single-part object (its ETag is
// the MD5) is checked against that MD5, through a plain Read, the parallel
// ranged download behind WriteTo, and ReadRange of the whole object; a body
// corrupted in transit fails with ErrChecksum instead of returning bad
// bytes. An intact download passes the same check.
func TestDownloadVerified(t *testing.T) {
	bucket := newBucket(t, false)
	cfg := config(t, bucket)
	cfg.DownloadPartSize = 1 << 20
	cfg.DownloadConcurrency = 3
	good := newStorage(t, cfg)
	data := bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16+1) // 3 MiB + 16: one PUT, three download parts
	ctx := t.Context()
	if _, err := good.Save(ctx, "v.bin", bytes.NewReader(data), storage.SaveOptions{ContentType: "application/octet-stream"}); err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = &http.Client{Transport: corrupt.GETs{}}
	bad := newStorage(t, cfg)
	for _, c := range []struct {
		name string
		st   *storage.Storage
		want error
	}{{"intact", good, nil}, {"corrupted", bad, storage.ErrChecksum}} {
		t.Run(c.name, func(t *testing.T) {
			check := func(what string, got []byte, err error) {
				t.Helper()
				if c.want == nil {
					if err != nil || !bytes.Equal(got, data) {
						t.Fatalf("%s: %d bytes, %v", what, len(got), err)
					}
					return
				}
				if !errors.Is(err, c.want) {
					t.Fatalf("%s: %v, want %v", what, err, c.want)
				}
			}
			r, err := c.st.Open(ctx, "v.bin")
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Attributes().Checksums.MD5) != 16 {
				t.Fatalf("Open reports no MD5 of a single-part object: %+v", r.Attributes().Checksums)
			}
			var b bytes.Buffer
			_, err = r.WriteTo(&b) // the parallel ranged download
			r.Close()
			check("WriteTo", b.Bytes(), err)

			r, err = c.st.Open(ctx, "v.bin")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(struct{ io.Reader }{r})
			r.Close()
			check("Read", got, err)

			rc, err := c.st.ReadRange(ctx, "v.bin", 0, -1)
			if err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(rc)
			rc.Close()
			check("ReadRange", got, err)
		})
	}
}
