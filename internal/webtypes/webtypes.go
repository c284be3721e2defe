// Package webtypes is the built-in table of web content types that the
// storage package (content-type detection) and staticfiles share, so that a
// type never depends on the host's mime.types.
package webtypes

import (
	"path"
	"strings"
)

// types is the content type of every web asset by lower-case extension.
// It is built in so that the result does not depend on the host's
// mime.types (a Debian server and a macOS laptop would disagree on .js,
// .mjs, .wasm, .webmanifest, ...). Text types carry "charset=utf-8".
var types = map[string]string{
	// documents and code
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".cjs":         "text/javascript; charset=utf-8",
	".jsx":         "text/javascript; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".map":         "application/json; charset=utf-8",
	".jsonld":      "application/ld+json; charset=utf-8",
	".webmanifest": "application/manifest+json; charset=utf-8",
	".xml":         "application/xml; charset=utf-8",
	".xsl":         "application/xml; charset=utf-8",
	".rss":         "application/rss+xml; charset=utf-8",
	".atom":        "application/atom+xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".ics":         "text/calendar; charset=utf-8",
	".vtt":         "text/vtt; charset=utf-8",
	".appcache":    "text/cache-manifest; charset=utf-8",
	".wasm":        "application/wasm",
	".pdf":         "application/pdf",
	// images
	".svg":   "image/svg+xml",
	".svgz":  "image/svg+xml",
	".png":   "image/png",
	".apng":  "image/apng",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".jfif":  "image/jpeg",
	".pjpeg": "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/vnd.microsoft.icon",
	".cur":   "image/x-icon",
	".bmp":   "image/bmp",
	".tif":   "image/tiff",
	".tiff":  "image/tiff",
	".jxl":   "image/jxl",
	// fonts
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".eot":   "application/vnd.ms-fontobject",
	// audio and video
	".mp3":  "audio/mpeg",
	".ogg":  "audio/ogg",
	".oga":  "audio/ogg",
	".opus": "audio/ogg",
	".wav":  "audio/wav",
	".flac": "audio/flac",
	".m4a":  "audio/mp4",
	".aac":  "audio/aac",
	".weba": "audio/webm",
	".mp4":  "video/mp4",
	".m4v":  "video/mp4",
	".webm": "video/webm",
	".ogv":  "video/ogg",
	".mov":  "video/quicktime",
	".avi":  "video/x-msvideo",
	".flv":  "video/x-flv",
	".swf":  "application/x-shockwave-flash",
	// archives and binaries
	".zip": "application/zip",
	".gz":  "application/gzip",
	".tgz": "application/gzip",
	".br":  "application/x-brotli",
	".zst": "application/zstd",
	".bz2": "application/x-bzip2",
	".tbz": "application/x-bzip2",
	".xz":  "application/x-xz",
	".7z":  "application/x-7z-compressed",
	".tar": "application/x-tar",
	".rar": "application/vnd.rar",
	".bin": "application/octet-stream",
}

// ByName returns the type of name's extension (case-insensitive) and
// whether the table has it.
func ByName(name string) (string, bool) {
	t, ok := types[strings.ToLower(path.Ext(name))]
	return t, ok
}
