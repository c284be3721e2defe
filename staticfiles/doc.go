// Package staticfiles is Django's collectstatic for any [storage.Storage]:
// it copies source trees (fs.FS) into a storage under content-hashed names
// ("css/app.css" -> "css/app.5d41402abc4b.css", the first 12 hex digits of
// the MD5 of the final content, exactly as Django's
// ManifestStaticFilesStorage names them), rewrites the references between
// CSS and JS files to the hashed names, writes Django's manifest
// (staticfiles.json) last, and can precompress text assets (brotli, gzip,
// zstd) beside them the way WhiteNoise and nginx's gzip_static read them.
//
// The package imports only the root storage package, never a driver, so it
// works on every storage: the local filesystem, memory, S3, GCS, Azure or a
// third party's.
//
// # Manifest
//
// [Manifest] reads and writes staticfiles.json byte for byte as Django
// does (Python's json.dumps with its default separators and ensure_ascii),
// in version "1.1" with Django 4.2's manifest hash, or "1.0" for Django 3.2,
// so a Django application and a Go service can share one asset set.
// [LoadManifest] reads it from any storage; [Manifest.Lookup] maps a source
// path to its hashed name and [Manifest.URL] gives the public URL through
// the storage's URL builder (CDN base URLs included).
//
// # Content types
//
// [ContentType] is the web-asset content type table used for every stored
// file (and by the HTTP handler), independent of the host's mime.types.
package staticfiles
