package staticfiles

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression selects the precompressed variants stored beside each
// compressible file: "name.br", "name.zst" and "name.gz", each with
// Content-Encoding br, zstd or gzip and the original's Content-Type, the
// layout WhiteNoise and nginx's gzip_static/brotli_static read. A variant is
// kept only when it is at most 95% of the original's size; the encodings are
// tried in the order brotli, zstd, gzip and once one misses that mark the
// others are not tried (WhiteNoise skips gzip when brotli misses it).
// Empty files and already-compressed types (images, fonts, archives, audio,
// video: see [Compressible]) are not compressed. Each distinct content is
// compressed once (a file and its hashed copy share the variants), one
// worker per core (GOMAXPROCS).
type Compression struct {
	// Brotli stores name.br at BrotliQuality (0 means 11, WhiteNoise's).
	Brotli        bool
	BrotliQuality int
	// Gzip stores name.gz at GzipLevel (0 means 9, WhiteNoise's), with a
	// zero modification time, so equal inputs give equal bytes.
	Gzip      bool
	GzipLevel int
	// Zstd stores name.zst at ZstdLevel (a zstd level, 1 to 22; 0 means 19,
	// the best klauspost/compress offers). The window is 8 MiB at most, as
	// browsers require. Safari does not decode zstd: serve it only along
	// with brotli or gzip.
	Zstd      bool
	ZstdLevel int
}

// WhiteNoise is WhiteNoise's CompressedManifestStaticFilesStorage's
// compression: brotli at quality 11 and gzip at level 9.
var WhiteNoise = Compression{Brotli: true, Gzip: true}

// Fast is brotli at quality 5 plus zstd (level 19) and no gzip: on the
// benchmark tree (staticfiles/BENCHMARKS.md) its encoders used about 18
// times less CPU than [WhiteNoise]'s (5.9 s against 107 s, pure Go), for
// brotli variants about 12% larger.
var Fast = Compression{Brotli: true, BrotliQuality: 5, Zstd: true}

// encoding is one variant kind.
type codec struct {
	suffix string // ".br"
	name   string // Content-Encoding
}

var (
	codecBrotli = codec{".br", "br"}
	codecZstd   = codec{".zst", "zstd"}
	codecGzip   = codec{".gz", "gzip"}
)

// encodings returns the variants c asks for, in trial order.
func (c *Compression) encodings() []codec {
	if c == nil {
		return nil
	}
	var e []codec
	if c.Brotli {
		e = append(e, codecBrotli)
	}
	if c.Zstd {
		e = append(e, codecZstd)
	}
	if c.Gzip {
		e = append(e, codecGzip)
	}
	return e
}

// allCodecs are every variant suffix collect may have written, for
// finding stale variants.
var allCodecs = []codec{codecBrotli, codecZstd, codecGzip}

// skipCompress are the extensions of already-compressed types:
// WhiteNoise's list plus newer image, archive, audio and video formats.
var skipCompress = map[string]bool{
	"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "avif": true, "jxl": true, "apng": true,
	"heic": true, "heif": true,
	"zip": true, "gz": true, "tgz": true, "bz2": true, "tbz": true, "xz": true, "br": true, "zst": true, "7z": true,
	"rar": true, "lz4": true, "lzma": true, "swf": true, "flv": true, "woff": true, "woff2": true,
	"mp3": true, "mp4": true, "m4a": true, "m4v": true, "aac": true, "ogg": true, "oga": true, "ogv": true,
	"opus": true, "webm": true, "weba": true, "mov": true, "avi": true, "mkv": true, "flac": true,
}

// Compressible reports whether a file called name is worth compressing:
// false for the already-compressed types WhiteNoise skips (jpg, jpeg,
// png, gif, webp, zip, gz, tgz, bz2, tbz, xz, br, swf, flv, woff, woff2)
// and for newer ones (avif, jxl, zst, 7z, audio and video formats).
func Compressible(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return true
	}
	return !skipCompress[strings.ToLower(name[i+1:])]
}

// compressor compresses contents; it keeps one encoder of each kind per
// worker through pools.
type compressor struct {
	c      Compression
	encs   []codec
	brPool sync.Pool // pure-Go brotli writers (without the cbrotli build tag)
	gzPool sync.Pool
	zsPool sync.Pool
}

func newCompressor(c Compression) *compressor {
	if c.BrotliQuality <= 0 {
		c.BrotliQuality = 11
	}
	if c.GzipLevel <= 0 {
		c.GzipLevel = 9
	}
	if c.ZstdLevel <= 0 {
		c.ZstdLevel = 19
	}
	return &compressor{c: c, encs: c.encodings()}
}

// variant is one compressed form of a content that was kept.
type variant struct {
	enc  codec
	data []byte
}

// compress returns the variants of data worth keeping, in trial order.
func (z *compressor) compress(data []byte) ([]variant, error) {
	if len(data) == 0 {
		return nil, nil
	}
	limit := len(data) * 95 / 100
	var out []variant
	for _, e := range z.encs {
		var buf bytes.Buffer
		buf.Grow(len(data) / 3)
		if err := z.encode(e, &buf, data); err != nil {
			return nil, err
		}
		if buf.Len() > limit {
			break
		}
		out = append(out, variant{e, buf.Bytes()})
	}
	return out, nil
}

func (z *compressor) encode(e codec, w io.Writer, data []byte) error {
	switch e {
	case codecBrotli:
		return z.brotli(w, data)
	case codecGzip:
		gw, _ := z.gzPool.Get().(*gzip.Writer)
		if gw == nil {
			var err error
			if gw, err = gzip.NewWriterLevel(w, z.c.GzipLevel); err != nil {
				return err
			}
		} else {
			gw.Reset(w)
		}
		defer z.gzPool.Put(gw)
		if _, err := gw.Write(data); err != nil {
			return err
		}
		return gw.Close()
	case codecZstd:
		zw, _ := z.zsPool.Get().(*zstd.Encoder)
		if zw == nil {
			var err error
			zw, err = zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(z.c.ZstdLevel)),
				zstd.WithWindowSize(8<<20), zstd.WithEncoderConcurrency(1),
				zstd.WithLowerEncoderMem(true)) // same bytes, less memory
			if err != nil {
				return err
			}
		} else {
			zw.Reset(w)
		}
		defer z.zsPool.Put(zw)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		return zw.Close()
	}
	return nil
}
