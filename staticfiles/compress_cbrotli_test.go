//go:build cbrotli

package staticfiles

import (
	"bytes"
	"os"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestCbrotliSameBytes: libbrotli gives the bytes of the pure-Go encoder, so
// the build tag changes speed only.
func TestCbrotliSameBytes(t *testing.T) {
	data, err := os.ReadFile("testdata/django/static/css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Repeat(data, 20)
	for _, q := range []int{5, 11} {
		z := newCompressor(Compression{Brotli: true, BrotliQuality: q})
		var c, g bytes.Buffer
		if err := z.brotli(&c, data); err != nil {
			t.Fatal(err)
		}
		w := brotli.NewWriterLevel(&g, q)
		w.Write(data)
		w.Close()
		if !bytes.Equal(c.Bytes(), g.Bytes()) {
			t.Errorf("quality %d: libbrotli %d bytes, pure Go %d bytes", q, c.Len(), g.Len())
		}
	}
}
