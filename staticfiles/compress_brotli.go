//go:build !cbrotli

package staticfiles

import (
	"io"

	"github.com/andybalholm/brotli"
)

// BrotliImplementation names the brotli encoder this build uses: the pure-Go
// github.com/andybalholm/brotli by default, libbrotli through cgo with the
// cbrotli build tag (about 1.8 times faster at quality 11, same bytes).
const BrotliImplementation = "andybalholm/brotli (pure Go)"

func (z *compressor) brotli(w io.Writer, data []byte) error {
	bw, _ := z.brPool.Get().(*brotli.Writer)
	if bw == nil {
		bw = brotli.NewWriterLevel(w, z.c.BrotliQuality)
	} else {
		bw.Reset(w)
	}
	defer z.brPool.Put(bw)
	if _, err := bw.Write(data); err != nil {
		return err
	}
	return bw.Close()
}
