package storage

import (
	"context"
	"io"
	"iter"
)

// Driver is the small contract a backend implements. Users never call it
// directly: [New] wraps a Driver in a [Storage], which validates names,
// applies the location prefix and the conflict policy, detects content types,
// verifies checksums, builds public URLs and maps errors once for every
// driver. Third-party drivers implement Driver and prove it with the
// conformance package.
//
// Names a driver receives are already valid (see [ValidateName]) and already
// carry the storage's location prefix. Every method must honour ctx.
type Driver interface {
	// Capabilities declares what the driver supports. The conformance suite
	// runs the cases of every declared capability and skips the others.
	Capabilities() Capabilities

	// Write stores the bytes of r under name. The object must become
	// visible atomically and only after r returned io.EOF and
	// opts.BeforeCommit (if set) returned nil: a failed or cancelled write
	// leaves nothing visible and the previous object intact.
	//
	// Without opts.Exclusive an existing object is replaced. With it the
	// write only creates: when name exists at commit time the driver stores
	// nothing and returns an error matching ErrExist (ErrorKind may do the
	// mapping). A driver that declares ConditionalCreate makes the check and
	// the commit one atomic step (a conditional request, a hard link), never
	// check-then-write. That is the whole of a driver's part in the conflict
	// policies: [Storage] picks the next name for [Rename] and sends the body
	// again (it rewinds a seekable input and replays a stream from a bounded
	// spool, see [WithSpoolLimit]), so a driver never renames, calls back, or
	// reads its input twice to retry a commit.
	//
	// When a concurrent writer made the write fail without anything stored
	// and the same write may simply be sent again (Azure discards the staged
	// blocks of every upload to a blob when one of them commits), the error
	// matches ErrChanged: Storage sends the body again when it can read it
	// again.
	//
	// r is the caller's reader whenever Storage does not need to see the
	// bytes itself, and keeps its io.ReaderAt and io.Seeker (if any) when it
	// does (checksum verification), so a driver may read a seekable input
	// at offsets, in parallel, without copying it. It must not assume more
	// than io.Reader, and must leave reading at offsets to inputs that
	// implement both.
	Write(ctx context.Context, name string, r io.Reader, opts *WriteOptions) error

	// Read opens the bytes of the object that req names. It returns the
	// body and the object's attributes, taken from the same response (one
	// request where the backend allows; Size is the size of the whole
	// object, not of the range): [Storage.ReadRange] hands them to the
	// caller. A whole-object read returns every attribute; a ranged read at
	// least Size, ModTime and ContentType, and the others its response
	// carries. A missing object is an error that ErrorKind maps to
	// ErrNotExist. [Storage] never asks for zero bytes (it answers an empty
	// read with Stat); a range that starts at or past the end may yield an
	// empty body or fail with an error of kind ErrInvalidArgument (an HTTP
	// 416), which Storage answers with Stat too.
	//
	// A cloud driver returns the response's stream as it is. The portable
	// [Reader] does the rest once for every driver: it seeks by reading
	// again from the new position, serves small ReadAt calls from one
	// window, downloads large objects in parallel parts (see
	// Capabilities.ReadParts) and resumes a stream broken mid-body, every
	// such read pinned to the version opened (req.Version) and checked
	// against the attributes of each response (ETag; without ETags, Size
	// and ModTime): the attributes must describe the version whose bytes
	// the body yields.
	//
	// If the body of a whole-object read (offset 0, length < 0) also
	// implements io.ReaderAt and io.Seeker over the whole object (a file, a
	// byte slice), the portable reader uses it directly for seeks and
	// ReadAt; such a body must keep reading the version opened (a replaced
	// version fails with an error matching ErrChanged).
	Read(ctx context.Context, name string, req ReadRequest) (io.ReadCloser, *Attributes, error)

	// Stat returns the object's attributes.
	Stat(ctx context.Context, name string) (*Attributes, error)

	// Delete removes the object. Deleting a missing object may return nil
	// or an ErrNotExist error; both are reported as success.
	Delete(ctx context.Context, name string) error

	// List yields the objects whose names start with prefix, sorted by name
	// (byte order), handling pagination internally. With opts.OneLevel it
	// yields the objects directly under prefix and one directory entry
	// (IsDir, name ending in "/") for each deeper common prefix. It stops at
	// the first error, which it yields.
	List(ctx context.Context, prefix string, opts ListOptions) iter.Seq2[Entry, error]

	// Copy copies src to dst inside the backend, with the attributes of
	// src. Without exclusive it replaces dst. With it the copy only
	// creates: when dst exists it copies nothing and returns an error
	// matching ErrExist (ErrorKind may do the mapping), in one atomic step
	// (a conditional request, a hard link) where the driver declares
	// ConditionalCreate. A driver without server-side copy, or without an
	// exclusive one, returns ErrUnsupported and the portable layer streams
	// the object instead (through an exclusive Write for exclusive, reading
	// the source again for each name the Rename policy tries).
	Copy(ctx context.Context, dst, src string, exclusive bool) error

	// SignedURL returns a URL that grants opts.Method on name until the expiry
	// to whoever holds it. Drivers without native signing return
	// ErrUnsupported (a [URLSigner] given with [WithSigner] can stand in).
	// A driver declaring Capabilities.SignTime signs as of SignTime(ctx).
	SignedURL(ctx context.Context, name string, opts SignOptions) (string, error)

	// ErrorKind maps an error returned by this driver to one of the sentinel
	// errors (ErrNotExist, ErrExist, ErrPermission, ...), or nil when none
	// fits. Errors that already match a sentinel with errors.Is need no
	// mapping, and neither do the io/fs errors (fs.ErrNotExist,
	// fs.ErrExist, fs.ErrPermission, and the syscall errors matching them):
	// the portable layer maps those itself when ErrorKind returns nil.
	ErrorKind(err error) error

	// Close releases the driver's resources.
	Close() error
}

// ReadRequest says which bytes of which version of an object
// [Driver.Read] reads. Wrappers pass it on as it is.
type ReadRequest struct {
	// Offset is the first byte to read.
	Offset int64
	// Length is the number of bytes to read from Offset, or a negative
	// number for all of them to the end of the object. Storage never asks
	// for 0.
	Length int64
	// Version, when set, pins the read to one version of the object: the
	// Attributes.Version an earlier Read reported, or its ETag when Version
	// was empty. The portable [Reader] sets it on every read after the
	// first (after a seek, ReadAt, the parts of a parallel download, the
	// resumption of a broken stream). A driver that can make the request
	// conditional does, in the one request: S3 and Azure with If-Match on
	// the ETag, GCS by reading that generation; when the object has another
	// version now, the read fails with an error matching ErrChanged, or
	// ErrExist (an HTTP 412, which Storage reports as ErrChanged), or
	// ErrNotExist when it was deleted. The others (filesystem, memory, the
	// gocloud bridge) ignore it: the portable reader compares the
	// attributes of every response with those it opened in any case.
	Version string
}

// Capabilities says what a driver supports. The zero value supports only the
// core operations every driver must have: Write (with replace), Read from an
// offset, Stat, Delete, List.
type Capabilities struct {
	// ConditionalCreate: Write honours WriteOptions.Exclusive atomically,
	// so the Fail and Rename policies cannot lose a race. (Without it a
	// driver honours Exclusive as well as it can: check, then write.)
	ConditionalCreate bool
	// ServerSideCopy: Copy runs inside the backend.
	ServerSideCopy bool
	// Metadata: the content type, the other HTTP headers (Cache-Control,
	// Content-Disposition, Content-Encoding, Content-Language) and user
	// metadata given to Write are stored and returned by Stat and Read.
	Metadata bool
	// SignedURL: SignedURL works for GET.
	SignedURL bool
	// SignedPutURL: SignedURL works for PUT.
	SignedPutURL bool
	// SignTime: SignedURL signs as of [SignTime] (the clock seam
	// [WithSignTime] sets), so a URL's validity can start in the past.
	// Without it, [Storage.SignedURL] under WithSignTime fails with
	// ErrUnsupported.
	SignTime bool
	// SignedPutContentType: a PUT URL signed with SignOptions.ContentType
	// makes the service refuse an upload that carries another Content-Type
	// (S3 and GCS sign the header; hmacurl checks it). Without it,
	// [Storage.SignedURL] refuses a PUT with a ContentType with
	// ErrUnsupported rather than hand out a URL that would store any type
	// (an Azure SAS, for one, cannot require a request header).
	SignedPutContentType bool
	// PublicObjects: WriteOptions.Public makes an object publicly readable.
	PublicObjects bool
	// ReadOnly: the storage refuses every change (Write, Delete, Copy,
	// signed PUT URLs) with ErrPermission, as package wrap/readonly does. A
	// signer given with [WithSigner] then signs GET URLs only.
	ReadOnly bool
	// Checksums: Stat reports at least one checksum (MD5, SHA256 or CRC32C)
	// of the stored bytes.
	Checksums bool

	// ReadParts and ReadPartSize shape the parallel download of a large
	// object by the portable [Reader] (WriteTo, and Read once two parts
	// were read in a row): ReadParts ranged reads of ReadPartSize bytes in
	// flight, pinned to the version opened, written in order: the part at
	// the write position streams from its response to the destination,
	// the ReadParts-1 after it are fetched into buffers. ReadParts below 2
	// (the zero value) streams one response. The part buffers of every
	// download in the process come out of one budget of [ReadBudget]
	// bytes, so buffered parts times part size never exceed it (a download
	// that finds no room left streams).
	ReadParts    int
	ReadPartSize int64
}

// WriteOptions are what the portable layer passes to [Driver.Write].
type WriteOptions struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	// Metadata is user metadata; keys are lower-case.
	Metadata map[string]string
	// Size is the number of bytes r will yield, or UnknownSize (-1). It is
	// never the zero value by accident: Storage always sets it, and 0 means
	// an empty body.
	Size int64
	// Public asks for a publicly readable object; drivers without
	// PublicObjects return ErrUnsupported.
	Public bool
	// Exclusive makes the write a create that fails with ErrExist when the
	// name is taken; see [Driver.Write].
	Exclusive bool
	// BeforeCommit, when non-nil, must be called once after r returned
	// io.EOF and before the object becomes visible; if it returns an error
	// the driver discards the upload and returns that error.
	BeforeCommit func() error
	// DriverOptions carries driver-specific options from [SaveOptions].
	DriverOptions any
}

// RenamingWriter is an optional interface of a [Driver] that can commit a
// body it received under further names without reading it again: the
// filesystem keeps the body in a temporary file and hard-links it under
// each name it tries. [Storage] uses it for the [Rename] policy instead of
// sending the body again after a lost race.
type RenamingWriter interface {
	// WriteRenaming is Write with opts.Exclusive set, which commits under
	// next(taken) whenever the name it tries is taken, and returns the name
	// it committed under. An error from next ends the write with nothing
	// stored and is returned as it is. A wrapper whose driver has no
	// WriteRenaming returns an error matching ErrUnsupported without
	// reading r; Storage then uses Write.
	WriteRenaming(ctx context.Context, name string, r io.Reader, opts *WriteOptions, next func(taken string) (string, error)) (string, error)
}

// UnknownSize is the size of a body whose length is not known in advance,
// in [SaveOptions] and [WriteOptions] alike.
const UnknownSize = -1
