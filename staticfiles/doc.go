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
//	res, err := staticfiles.Collect(ctx, st, []staticfiles.Source{
//		{FS: os.DirFS("static")},
//		{FS: os.DirFS("node_modules/bootstrap/dist"), Prefix: "vendor/bootstrap"},
//	}, staticfiles.Options{Compress: &staticfiles.WhiteNoise})
//
// # Reference rewriting
//
// References are found with real tokenizers (github.com/tdewolff/parse/v2's
// CSS and JS lexers), so comments, unrelated strings, template literals and
// regular expressions are never touched, and every byte outside a rewritten
// reference is kept. CSS: url(...) quoted or not (blanks inside the
// parentheses allowed, which breaks Django), @import "x" and @import url(x),
// /*# sourceMappingURL=x */ on its own line. JS: //# sourceMappingURL=x at a
// line start, and with Options.JSModules the specifiers of import ... from,
// export ... from, import "x" and import("x") that start with "./", "../" or
// "/". Skipped, as Django does: any "scheme:" (data:, http:, ...),
// "//host/...", absolute paths outside StaticURL, fragment-only references.
// The ?query and #fragment of a reference are kept (the ?#iefix font hack
// too).
//
// Rewritten references follow Django's templates where Django has one, so
// that the rewritten bytes (and so the hashes) are Django's: url("x") and
// @import url("x") in CSS. Deliberate differences, each tested: references
// in CSS comments and strings are left alone (Django rewrites them);
// fragment-only url(#x) is left as written (Django 3.2 quoted it, 4.2 leaves
// it); a percent-encoded reference keeps its encoding ("a%20b.png" becomes
// "a%20b.<hash>.png"; Django decodes it); JS module specifiers keep their
// quotes and spacing (Django rewrites `import "x";` as `import"x";`) and
// bare specifiers ("lodash") are not files (Django's import("x") pattern
// tries to find them); "from" is read as the JS lexer's tokens say, a
// keyword only inside an import or export declaration (const from = 1 is
// an identifier, and no string after it is a module); ".mjs" files are JS
// too; reference cycles are
// collected (see [Collect]) where Django fails.
//
// Like Django, the original names keep the source bytes as they are; only
// the hashed copies hold rewritten references.
//
// # Incremental runs, concurrency and memory
//
// A run lists the destination once (while it hashes the sources) and reads
// the previous manifest: a hashed name already stored with the right size
// is not written again (its name is its content), an original name is not
// written again when the previous manifest gave it the same hashed name, and
// nothing is compressed for a content whose names are all in place. An
// unchanged tree writes nothing, not even the manifest. Writes run on
// Options.Concurrency workers (32 for object stores, 2×GOMAXPROCS for the
// memory and filesystem drivers), compression on one worker per core,
// largest contents first, every distinct content once.
//
// Sources are streamed: plain files are hashed as streams and files over
// 256 KiB are uploaded straight from the source (the storage verifies the
// MD5 hashed at the start before the object becomes visible, so a source
// that changes mid-run stores nothing under a wrong name). Only CSS and JS
// files being rewritten, files being compressed and files of at most
// 256 KiB are held in memory, each up to Options.MaxMemoryFileSize
// (16 MiB), at most one per worker plus one per write waiting for an upload
// worker; the per-file state of a run is a few hundred bytes. On the
// 6,665-file, 57 MB benchmark tree the peak heap was 46 MiB without
// compression; compressing adds the encoders' state, per core (366 MiB in all
// with brotli 11 and gzip 9 on two cores). See BENCHMARKS.md.
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
// # Serving
//
// [NewHandler] serves a collected tree from any storage (negotiating the
// precompressed variants, with immutable caching of hashed names), and
// [FuncMap] gives templates {{ static "css/app.css" }} through the manifest.
//
// # Content types
//
// [ContentType] is the web-asset content type table used for every stored
// file (and by the HTTP handler), independent of the host's mime.types.
package staticfiles
