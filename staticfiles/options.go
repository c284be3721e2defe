package staticfiles

import (
	"io/fs"
	"log/slog"
	"path"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// Source is one tree to collect, like an entry of Django's
// STATICFILES_DIRS: the files of FS are collected under Prefix ("" for the
// root; "vendor" puts "a.js" at "vendor/a.js").
type Source struct {
	FS     fs.FS
	Prefix string
}

// Options tune [Collect]. The zero value collects with Django's defaults:
// hashed names plus the original names, references rewritten (strictly: a
// missing target is an error), manifest version "1.1", no compression,
// no removal of old files.
type Options struct {
	// NoPostProcess copies the files as they are, under their own names
	// only, like Django's collectstatic --no-post-process: no hashed
	// names, no rewritten references, no manifest, no compressed variants
	// (Result.Manifest is nil). A file is unchanged, and not copied again,
	// when the destination holds an object of its name with the same size
	// and, when the destination's listing has its MD5 (Entry.Checksums, or
	// an MD5 ETag as S3's), the same MD5, or otherwise one modified no
	// earlier than the source (Django's rule, in whole seconds; see
	// transfer.Changed). Variants of a copied name left
	// by an earlier compressed run are deleted, so a handler never serves
	// stale bytes. Compress, KeepOnlyHashed, Recompress, JSModules and
	// KeepManifests ask for post-processing and are refused with it
	// (ErrInvalidArgument). False (the zero value) post-processes.
	NoPostProcess bool

	// StaticURL is the URL prefix under which the collected tree is served
	// (Django's STATIC_URL). References starting with it are resolved from
	// the root of the tree; other absolute references are left alone.
	// Empty means "/static/".
	StaticURL string

	// KeepOnlyHashed stores only the hashed names, not the originals
	// (WhiteNoise's KEEP_ONLY_HASHED_FILES).
	KeepOnlyHashed bool

	// Lenient leaves references to missing files unchanged and reports
	// them in Result.Warnings, instead of failing the run.
	Lenient bool

	// JSModules rewrites ES module specifiers in JS files: import ... from
	// "./x.js", export ... from "./x.js", import "./x.js" and
	// import("./x.js") with a string literal (Django 4.2's opt-in
	// support_js_module_import_aggregation). Source map comments are always
	// rewritten.
	JSModules bool

	// ManifestVersion is "1.1" (the default; Django 4.2+ reads it) or
	// "1.0" (Django 3.2 and 4.0/4.1 read only this one).
	ManifestVersion string

	// ManifestName is the manifest's name; empty means "staticfiles.json".
	ManifestName string

	// Ignore holds path.Match patterns; a file or directory whose base name
	// matches one is not collected. Nil means Django's defaults: "CVS",
	// ".*" and "*~". Use an empty non-nil slice to collect everything.
	Ignore []string

	// Compress, when set, stores precompressed variants beside each
	// compressible file (see [Compression]).
	Compress *Compression

	// Concurrency is the number of simultaneous storage requests. Zero
	// means 32 for object stores, and twice GOMAXPROCS for the memory and
	// filesystem drivers.
	Concurrency int

	// DryRun does everything but write or delete: the result says what
	// would be uploaded.
	DryRun bool

	// Recompress compresses every compressible file again, even when its
	// hashed name is already stored (for example after turning compression
	// on for an existing destination). By default a content whose hashed
	// name is already stored is not compressed again.
	Recompress bool

	// KeepManifests, when positive, removes after a successful run every
	// file that the current manifest and the KeepManifests-1 previous ones
	// do not name but an older manifest did (with its variants and the
	// older manifests). Zero (the default) removes nothing, so that a
	// rolling deploy still serves the old pages. Every manifest a run
	// publishes is also kept as "staticfiles.<md5 of it>.json" beside the
	// manifest; their modification times order them, so runs less than the
	// storage's time resolution apart (a second on S3) may be ordered
	// either way. Files an unreadable old manifest names are kept.
	KeepManifests int

	// CacheControl is stored with hashed names (and their variants); empty
	// means "public, max-age=31536000, immutable".
	CacheControl string
	// UnhashedCacheControl is stored with the original names; empty means
	// "public, max-age=60".
	UnhashedCacheControl string

	// MaxMemoryFileSize is the largest file read whole into memory, in
	// bytes: CSS and JS files whose references are rewritten, and files to
	// compress. Larger files are collected as they are (streamed, not
	// rewritten, not compressed) with a warning. At most one such file per
	// worker is in memory at a time, so this bounds the memory a run uses.
	// Zero means 16 MiB.
	MaxMemoryFileSize int64

	// Progress, when set, is called as work advances (never concurrently).
	Progress func(Progress)

	// Logger receives debug logs; nil means slog.Default() at debug level
	// (nothing shown by default).
	Logger *slog.Logger
}

// DefaultCacheControl is the Cache-Control of hashed names.
const DefaultCacheControl = "public, max-age=31536000, immutable"

// DefaultUnhashedCacheControl is the Cache-Control of original names.
const DefaultUnhashedCacheControl = "public, max-age=60"

const defaultMaxMemoryFile = 16 << 20

func (o *Options) defaults(st *storage.Storage) Options {
	c := *o
	if c.StaticURL == "" {
		c.StaticURL = "/static/"
	}
	if !strings.HasSuffix(c.StaticURL, "/") {
		c.StaticURL += "/"
	}
	if c.ManifestVersion == "" {
		c.ManifestVersion = ManifestVersion11
	}
	if c.ManifestName == "" {
		c.ManifestName = ManifestName
	}
	if c.Ignore == nil {
		c.Ignore = []string{"CVS", ".*", "*~"}
	}
	if c.Concurrency <= 0 {
		c.Concurrency = defaultConcurrency(st)
	}
	if c.CacheControl == "" {
		c.CacheControl = DefaultCacheControl
	}
	if c.UnhashedCacheControl == "" {
		c.UnhashedCacheControl = DefaultUnhashedCacheControl
	}
	if c.MaxMemoryFileSize <= 0 {
		c.MaxMemoryFileSize = defaultMaxMemoryFile
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// defaultConcurrency is 2×GOMAXPROCS for local drivers (memory,
// filesystem: more only adds contention) and 32 for object stores, where
// each request mostly waits on the network.
func defaultConcurrency(st *storage.Storage) int {
	var t reflect.Type
	st.Wrap(func(d storage.Driver) storage.Driver { t = reflect.TypeOf(d); return d }) // its type only

	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil {
		switch path.Base(t.PkgPath()) {
		case "memory", "filesystem":
			return 2 * runtime.GOMAXPROCS(0)
		}
	}
	return 32
}

// Phase is a step of a collect run.
type Phase string

// The phases, in order. Compress and Upload overlap.
const (
	PhaseScan     Phase = "scan"
	PhaseHash     Phase = "hash"
	PhaseRewrite  Phase = "rewrite"
	PhaseCompress Phase = "compress"
	PhaseUpload   Phase = "upload"
	PhaseDone     Phase = "done"
)

// Progress reports how far a phase is: files and bytes done out of the
// phase's totals (a total is 0 while unknown, in the scan phase).
type Progress struct {
	Phase      Phase
	FilesDone  int
	FilesTotal int
	BytesDone  int64
	BytesTotal int64
}

// Result reports what a run did.
type Result struct {
	// Collected is the number of source files collected (shadowed ones
	// excluded).
	Collected int
	// Unchanged is the number of collected files for which nothing had to
	// be written.
	Unchanged int
	// Uploaded is the number of objects written (hashed names, originals,
	// variants and manifests), or that would be written in a dry run
	// (variants not counted: whether one is worth keeping is known only
	// once compressed).
	Uploaded int
	// Compressed is the number of contents compressed; Variants the number
	// of variants kept (at most 95% of the original).
	Compressed int
	Variants   int
	// Deleted is the number of objects removed (stale variants, and old
	// files with KeepManifests).
	Deleted int
	// Shadowed lists the files hidden by a file of the same name in an
	// earlier source.
	Shadowed []Shadowed
	// Warnings are the problems that did not stop the run.
	Warnings []string
	// Bytes is the number of bytes written; SourceBytes the size of the
	// collected files.
	Bytes       int64
	SourceBytes int64
	// Duration of the run.
	Duration time.Duration
	// Manifest is the manifest written (or that would be, in a dry run);
	// nil with NoPostProcess.
	Manifest *Manifest
}

// Shadowed is a file not collected because an earlier source has the same
// name (Django's finders: the first wins).
type Shadowed struct {
	Name   string // destination name
	Source int    // index of the source whose file was ignored
	By     int    // index of the source whose file was collected
}
