package staticfiles

import "github.com/go-storages/storage/internal/webtypes"

// DefaultContentType is what ContentType returns for an unknown extension.
const DefaultContentType = "application/octet-stream"

// ContentType returns the content type of a web asset from its name's
// extension (case-insensitive), from a built-in table that does not depend
// on the host's mime.types: ".js" and ".mjs" are "text/javascript;
// charset=utf-8", ".wasm" "application/wasm", ".woff2" "font/woff2", ".map"
// "application/json; charset=utf-8", ".webmanifest"
// "application/manifest+json; charset=utf-8", and so on. Unknown extensions
// give [DefaultContentType]. Text types carry "charset=utf-8". A
// precompressed variant's name ("app.css.br") gives the type of the
// original only through the caller: strip the encoding suffix first.
func ContentType(name string) string {
	if t, ok := webtypes.ByName(name); ok {
		return t
	}
	return DefaultContentType
}
