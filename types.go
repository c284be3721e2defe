package storage

import (
	"net/http"
	"time"
)

// Attributes describe a stored object.
type Attributes struct {
	// Size in bytes of the whole object.
	Size int64
	// ModTime is the last modification time, in UTC.
	ModTime time.Time
	// ContentType, CacheControl, ContentDisposition, ContentEncoding and
	// ContentLanguage are the HTTP headers saved with the object.
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	// ETag identifies this version of the object: a valid HTTP entity tag
	// ("…" or W/"…"; the portable layer quotes a backend's bare value, see
	// [ValidETag]), the same from Stat, Open and List for the same unchanged
	// object. Empty when the backend has none.
	ETag string
	// Version names this version of the object for reads pinned to it
	// ([ReadRequest].Version) where the ETag does not: the generation on GCS.
	// Empty when the ETag serves (S3, Azure) or the backend has neither.
	Version string
	// Checksums the backend knows of the stored bytes; any may be nil.
	Checksums Checksums
	// Metadata is the user metadata saved with the object (lower-case keys).
	Metadata map[string]string
}

// Header returns the HTTP headers saved with the object, for serving it,
// and its ETag (as a valid entity tag), so that http.ServeContent answers
// conditional requests (If-None-Match, If-Range) from them.
func (a *Attributes) Header() http.Header {
	h := http.Header{}
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set("Content-Type", a.ContentType)
	set("Cache-Control", a.CacheControl)
	set("Content-Disposition", a.ContentDisposition)
	set("Content-Encoding", a.ContentEncoding)
	set("Content-Language", a.ContentLanguage)
	set("ETag", ValidETag(a.ETag))
	return h
}

// Checksums of an object's bytes. In [SaveOptions] they are the expected
// values, verified before the object becomes visible; in [Attributes] they are
// what the backend reports. A nil field is unknown or not checked.
type Checksums struct {
	MD5    []byte // 16 bytes
	SHA256 []byte // 32 bytes
	CRC32C []byte // 4 bytes, big-endian (Castagnoli)
}

func (c Checksums) empty() bool { return c.MD5 == nil && c.SHA256 == nil && c.CRC32C == nil }

// ConflictPolicy says what Save does when the name is taken. The zero value
// means "the storage's default", which is [Rename] unless [WithConflictPolicy]
// says otherwise.
type ConflictPolicy int

const (
	// DefaultPolicy uses the storage's policy.
	DefaultPolicy ConflictPolicy = iota
	// Rename saves under an available name instead: same directory and
	// extension, "_" and 7 random letters and digits added to the base name
	// (Django's get_available_name), the base name shortened so the name
	// fits the maximum name length and its last segment fits 255 bytes (a
	// filesystem's and MinIO's segment limit; a longer segment the backend
	// stored keeps its length). The check and the write are one atomic step.
	Rename
	// Overwrite replaces the existing object.
	Overwrite
	// Fail returns an error matching ErrExist and changes nothing.
	Fail
)

func (p ConflictPolicy) String() string {
	switch p {
	case DefaultPolicy:
		return "default"
	case Rename:
		return "rename"
	case Overwrite:
		return "overwrite"
	case Fail:
		return "fail"
	}
	return "ConflictPolicy(invalid)"
}

// SaveOptions tune one Save. The zero value detects the content type, stores
// no extra headers or metadata and uses the storage's conflict policy.
type SaveOptions struct {
	// ContentType; when empty it is guessed from the name's extension
	// ([TypeByExtension]: built-in web types first, then the host's mime
	// table), then sniffed from the first 512 bytes (http.DetectContentType).
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	// Metadata is user metadata. Keys are case-insensitive (stored
	// lower-case): ASCII letters, digits, '-' and '_'. Values are UTF-8
	// without control characters.
	Metadata map[string]string
	// Checksums, when set, are verified against the bytes read before the
	// object becomes visible; a mismatch stores nothing, keeps the previous
	// object and returns an error matching ErrChecksum.
	Checksums Checksums
	// Conflict overrides the storage's conflict policy for this call.
	Conflict ConflictPolicy
	// Size is the number of bytes r yields, which drivers use to pick an
	// upload strategy, or UnknownSize (-1) to declare it unknown: the same
	// convention as WriteOptions.Size. The zero value means "not given":
	// the length r reports (Len, as bytes.Reader, strings.Reader and
	// bytes.Buffer have, or the distance to the end of an io.Seeker such as
	// an *os.File) when it reports one, else UnknownSize. (A declared 0
	// is the same: an empty body is known at its end anyway.) Other
	// negative sizes are ErrInvalidArgument.
	Size int64
	// Public asks for a publicly readable object, on drivers that declare
	// PublicObjects; others return ErrUnsupported. The default is private.
	Public bool
	// DriverOptions are one driver's per-call options, such as a
	// *s3.SaveOptions (any [DriverOptions] value). The options of another
	// driver are ignored, so swapping backends by configuration breaks no
	// call; any other value, or this driver's options of the wrong type (a
	// struct instead of a pointer), is an error matching
	// ErrInvalidArgument. See [OptionsFor].
	DriverOptions any
}

// Entry is one item of a listing.
type Entry struct {
	// Name of the object, or of the directory ending in "/" when IsDir.
	Name    string
	IsDir   bool
	Size    int64
	ModTime time.Time
	// ETag is the object's ETag, as Stat reports it (see Attributes.ETag).
	ETag string
	// Checksums the listing reports, equal to Stat's where set; any may
	// be nil (what each driver fills is documented on the driver and in the
	// README: S3 the MD5 of single-part objects from the ETag, GCS MD5 and
	// CRC32C, Azure Content-MD5 and the CRC32C this library stores, memory
	// MD5 and CRC32C, the filesystem none). Empty for directories.
	Checksums Checksums
}

// ListOptions tune List. The zero value lists every object under the prefix,
// recursively.
type ListOptions struct {
	// OneLevel lists only the objects directly under the prefix, with one
	// directory entry for each deeper level (like os.ReadDir).
	OneLevel bool
	// StartAfter, when set, yields only the entries whose names sort after
	// it (byte order): give the last name of a page to list the next one,
	// or resume a listing that stopped. It need not exist. Drivers skip to
	// it natively where the backend can (S3 StartAfter, GCS startOffset,
	// the filesystem's sorted directories, memory); Azure has no such
	// parameter, so its listing runs from the prefix and the entries up to
	// StartAfter are skipped in this process. The storage filters in every
	// case, so the result is the same on every driver.
	StartAfter string
	// PageSize is a hint: how many entries one request to the backend asks
	// for (S3 MaxKeys and GCS page size, at most 1000; Azure MaxResults,
	// at most 5000). Zero: the backend's default (1000; 5000 on Azure).
	// Drivers that make no requests (memory, filesystem) ignore it. It does
	// not limit the listing: stop iterating for that.
	PageSize int
}

// SignOptions tune SignedURL. The zero value signs a GET valid for 15 minutes.
type SignOptions struct {
	// Method is http.MethodGet (default) or http.MethodPut.
	Method string
	// Expiry is how long the URL stays valid; zero means 15 minutes.
	Expiry time.Duration
	// ContentType, for PUT, is the Content-Type the upload must carry.
	ContentType string
	// PublicURL is set by [Storage.SignedURL] for the driver, whatever the
	// caller gave: the object's public URL ([Storage.URL]), or "" when the
	// storage has no base URL. A driver that signs URLs on the public
	// domain (S3 with CloudFront keys) signs this one.
	PublicURL string
}

// DefaultSignExpiry is the validity of a signed URL when SignOptions.Expiry is zero.
const DefaultSignExpiry = 15 * time.Minute
