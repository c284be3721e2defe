// Package storage is one storage API over every place files live: S3 and
// S3-compatible stores, Google Cloud Storage, Azure Blob, the local
// filesystem and memory, in the spirit of django-storages.
//
// A [Storage] is a concrete type over a small [Driver] contract. Everything
// that must behave the same on every backend lives once in Storage: name
// validation ([ValidateName]), the location prefix, the conflict policy
// ([Rename] by default: data is never destroyed unasked), content-type
// detection, checksum verification, public URL building, and typed errors
// that work with errors.Is(err, fs.ErrNotExist). Drivers live in their own
// packages (memory, filesystem, s3, gcs, azure) and prove themselves with the
// shared conformance suite (package conformance).
//
//	st, err := filesystem.New("/var/media", storage.WithBaseURL("https://cdn.example.com/media/"))
//	name, err := st.Save(ctx, "avatars/me.png", r, storage.SaveOptions{ContentType: "image/png"})
//	f, err := st.Open(ctx, name) // lazy, seekable, io.ReaderAt, carries the attributes
//	u, err := st.URL(name)       // https://cdn.example.com/media/avatars/me.png
package storage

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Storage is the portable handle on one backend. It is safe for concurrent
// use. Create one with a driver package's constructor (filesystem.New,
// memory.New, ...) or with [New] over any [Driver].
type Storage struct {
	drv         Driver
	caps        Capabilities
	location    string // "" or ends in "/"
	escLocation string
	baseURLs    []string
	policy      ConflictPolicy
	maxName     int
	signer      URLSigner
	resumes     int           // WithReadResumes
	stall       time.Duration // WithStallTimeout; 0: off
	timeout     time.Duration // WithTimeout; 0: none
	spoolLimit  int64         // WithSpoolLimit
}

// WithTimeout bounds each call that does not stream the object's bytes
// to the caller: Save (the whole upload), Stat, Exists, Delete, Copy,
// SignedURL, a List iteration, and the opening of Open (until its first
// response; reading the Reader is bounded by the stall timeout instead). A
// call past it fails with an error matching context.DeadlineExceeded. Zero
// (the default) adds no deadline to the caller's context; size it for the
// largest upload the storage takes.
func WithTimeout(d time.Duration) Option {
	return func(s *Storage) error {
		if d < 0 {
			return errorf("new", "", ErrInvalidArgument, "negative timeout")
		}
		s.timeout = d
		return nil
	}
}

// bound applies the storage's timeout to one call.
func (s *Storage) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.timeout)
}

// DefaultReadResumes is how many times a [Reader] resumes a broken stream
// unless [WithReadResumes] says otherwise.
const DefaultReadResumes = 3

// DefaultStallTimeout is how long a read may wait for the backend without
// receiving a byte unless [WithStallTimeout] says otherwise.
const DefaultStallTimeout = time.Minute

// WithReadResumes sets how many times a [Reader] (and a [RangeReader], and
// each part of a parallel download) resumes a stream that breaks mid-body
// (a reset connection, a body cut short, a stall): it reads
// on from where it stopped with a ranged read pinned to the version it
// opened, so it never splices two versions (a replaced object fails with
// ErrChanged). 0 turns resuming off. The default is DefaultReadResumes.
func WithReadResumes(n int) Option {
	return func(s *Storage) error {
		if n < 0 {
			return errorf("new", "", ErrInvalidArgument, "negative read resumes")
		}
		s.resumes = n
		return nil
	}
}

// WithStallTimeout sets how long a read of an object's bytes (through a
// [Reader]) may wait for the backend without receiving a byte before the
// stream counts as stalled: it is then resumed like a broken stream (see
// [WithReadResumes]), and once the resumes are spent the read fails with an
// error matching ErrStalled. Time the caller spends between reads does not
// count. 0 turns stall detection off. The default is DefaultStallTimeout.
func WithStallTimeout(d time.Duration) Option {
	return func(s *Storage) error {
		if d < 0 {
			return errorf("new", "", ErrInvalidArgument, "negative stall timeout")
		}
		s.stall = d
		return nil
	}
}

// Option configures a [Storage].
type Option func(*Storage) error

// WithBaseURL sets the base of public URLs: a CDN domain with an optional
// path, such as "https://cdn.example.com/media/". URLs are the base followed
// by the escaped object name (location prefix included), so the base must
// address the root of the backend. With several bases, each name is served
// from one of them, chosen by a stable hash of the name (CDN host sharding).
// A missing trailing "/" is added.
func WithBaseURL(bases ...string) Option {
	return func(s *Storage) error {
		s.baseURLs = s.baseURLs[:0]
		for _, b := range bases {
			u, err := url.Parse(b)
			if err != nil || u.Scheme == "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errorf("new", "", ErrInvalidArgument, "base URL must be absolute, without query or fragment: "+b)
			}
			if !strings.HasSuffix(b, "/") {
				b += "/"
			}
			s.baseURLs = append(s.baseURLs, b)
		}
		return nil
	}
}

// WithLocation stores every object under prefix (Django's location), so
// "a.txt" is kept as "prefix/a.txt". Names given to and returned by the
// Storage never show the prefix; public URLs include it.
func WithLocation(prefix string) Option {
	return func(s *Storage) error {
		prefix = strings.Trim(prefix, "/")
		if prefix == "" {
			s.location = ""
			return nil
		}
		if reason := invalidName(prefix); reason != "" {
			return errorf("new", prefix, ErrInvalidName, "location: "+reason)
		}
		s.location = prefix + "/"
		return nil
	}
}

// WithConflictPolicy sets the storage's default conflict policy (the zero
// default is [Rename]).
func WithConflictPolicy(p ConflictPolicy) Option {
	return func(s *Storage) error {
		if p < DefaultPolicy || p > Fail {
			return errorf("new", "", ErrInvalidArgument, "unknown conflict policy")
		}
		if p == DefaultPolicy {
			p = Rename
		}
		s.policy = p
		return nil
	}
}

// WithMaxNameLength caps the length in bytes of names that Rename generates
// (Django's max_length). The default and the upper bound is MaxNameLength
// less the location prefix.
func WithMaxNameLength(n int) Option {
	return func(s *Storage) error {
		if n < 1 || n > MaxNameLength {
			return errorf("new", "", ErrInvalidArgument, "max name length must be in 1..1024")
		}
		s.maxName = n
		return nil
	}
}

// WithSigner signs URLs with signer instead of the driver, for drivers
// without native signing (see package hmacurl). The driver chain is still
// asked first, so a wrapper can refuse a signed URL (a read-only storage
// refuses PUT); a driver's ErrUnsupported is ignored and its own URL, if
// any, discarded.
func WithSigner(signer URLSigner) Option {
	return func(s *Storage) error {
		s.signer = signer
		return nil
	}
}

// New returns a Storage over drv. Driver packages call it from their own
// constructors, passing their defaults before the user's options.
func New(drv Driver, opts ...Option) (*Storage, error) {
	s := &Storage{drv: drv, policy: Rename, maxName: MaxNameLength, resumes: DefaultReadResumes, stall: DefaultStallTimeout,
		spoolLimit: DefaultSpoolLimit}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.escLocation = EscapePath(s.location)
	if limit := MaxNameLength - len(s.location); s.maxName > limit {
		s.maxName = limit
	}
	s.caps = s.capabilities()
	return s, nil
}

// capabilities are the driver's, with what a signer adds: signed GET URLs,
// and signed PUT URLs (bound to a content type) unless the storage is
// read-only.
func (s *Storage) capabilities() Capabilities {
	c := s.drv.Capabilities()
	if s.signer != nil {
		c.SignedURL, c.SignTime = true, true
		if !c.ReadOnly {
			c.SignedPutURL, c.SignedPutContentType = true, true
		}
	}
	return c
}

// Capabilities reports what this storage supports.
func (s *Storage) Capabilities() Capabilities { return s.caps }

// As gives access to what the driver exposes for operations the storage
// API does not cover, such as its SDK client: target is a pointer to a type
// the driver documents (s3: **s3.Client; gcs: **storage.BucketHandle and
// **storage.Client; azure: **container.Client; gocloud: **blob.Bucket), and
// As sets it and reports true, or reports false when no driver of the
// chain (wrappers are looked through with their Unwrap method) supports
// it. It never hands out the Driver itself, whose methods would skip the
// storage's name validation, location prefix, conflict policy and checksum
// verification. Drivers implement it with a method As(any) bool.
//
//	var client *s3sdk.Client
//	if st.As(&client) { ... }
func (s *Storage) As(target any) bool {
	d := s.drv
	for d != nil {
		if a, ok := d.(interface{ As(any) bool }); ok && a.As(target) {
			return true
		}
		u, ok := d.(interface{ Unwrap() Driver })
		if !ok {
			return false
		}
		d = u.Unwrap()
	}
	return false
}

// Location returns the location prefix every object is stored under
// ([WithLocation]): "" or ending in "/".
func (s *Storage) Location() string { return s.location }

// Close releases the driver's resources.
func (s *Storage) Close() error { return s.wrap(context.Background(), "close", "", s.drv.Close()) }

// invalidName is invalidName for names that the location prefix makes
// longer: the stored key must fit in MaxNameLength too.
func (s *Storage) invalidName(name string) string {
	if len(s.location)+len(name) > MaxNameLength {
		return "name longer than 1024 bytes with the location prefix"
	}
	return invalidName(name)
}

func (s *Storage) check(ctx context.Context, op, name string) error {
	if reason := s.invalidName(name); reason != "" {
		return errorf(op, name, ErrInvalidName, reason)
	}
	if err := ctx.Err(); err != nil {
		return &Error{Op: op, Name: name, Err: withCause(ctx, err)}
	}
	return nil
}

// Save stores the bytes of r under name and returns the name it was stored
// under, which differs from name when the [Rename] policy found it taken.
// The object becomes visible only when all of r was read (and the expected
// checksums matched): a failed or cancelled Save leaves no partial object and
// keeps the previous one.
func (s *Storage) Save(ctx context.Context, name string, r io.Reader, opts SaveOptions) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const op = "save"
	if err := s.check(ctx, op, name); err != nil {
		return "", err
	}
	if r == nil {
		return "", errorf(op, name, ErrInvalidArgument, "nil reader")
	}
	if err := checkDriverOptions(opts.DriverOptions); err != nil {
		return "", &Error{Op: op, Name: name, Kind: ErrInvalidArgument, Err: err}
	}
	if opts.Size < UnknownSize {
		return "", errorf(op, name, ErrInvalidArgument, "negative size (UnknownSize, -1, is the only one)")
	}
	meta, err := normalizeMetadata(opts.Metadata)
	if err != nil {
		return "", &Error{Op: op, Name: name, Kind: ErrInvalidArgument, Err: err}
	}
	wo := &WriteOptions{
		ContentType:        opts.ContentType,
		CacheControl:       opts.CacheControl,
		ContentDisposition: opts.ContentDisposition,
		ContentEncoding:    opts.ContentEncoding,
		ContentLanguage:    opts.ContentLanguage,
		Metadata:           meta,
		Public:             opts.Public,
		DriverOptions:      opts.DriverOptions,
	}
	for _, h := range []string{wo.ContentType, wo.CacheControl, wo.ContentDisposition, wo.ContentEncoding, wo.ContentLanguage} {
		if strings.ContainsAny(h, "\r\n\x00") {
			return "", errorf(op, name, ErrInvalidArgument, "header value with a line break or NUL")
		}
	}
	if opts.Public && !s.caps.PublicObjects {
		return "", errorf(op, name, ErrUnsupported, "this driver cannot make objects public")
	}
	policy := opts.Conflict
	if policy == DefaultPolicy {
		policy = s.policy
	}
	if policy < Rename || policy > Fail {
		return "", errorf(op, name, ErrInvalidArgument, "unknown conflict policy")
	}
	in, verify, err := newInput(name, r, opts.Size, &wo.ContentType, opts.Checksums)
	if err != nil {
		return "", s.wrap(ctx, op, name, err)
	}
	wo.Size, wo.BeforeCommit = in.size, verify
	final, err := s.write(ctx, op, name, in, wo, policy)
	if err != nil {
		return "", s.wrap(ctx, op, name, err)
	}
	return final, nil
}

func normalizeMetadata(m map[string]string) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k == "" {
			return nil, errors.New("empty metadata key")
		}
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return nil, errors.New("metadata key " + quote(k) + ": only ASCII letters, digits, '-' and '_'")
			}
		}
		if invalidText(v) {
			return nil, errors.New("metadata value of " + quote(k) + ": invalid UTF-8 or control character")
		}
		lk := strings.ToLower(k)
		if _, dup := out[lk]; dup {
			return nil, errors.New("metadata key " + quote(k) + " given twice (keys are case-insensitive)")
		}
		out[lk] = v
	}
	return out, nil
}

func invalidText(v string) bool {
	if !utf8.ValidString(v) {
		return true
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\t' {
			return true
		}
	}
	return false
}

// Open opens name for reading. The returned [Reader] streams: Open costs one
// request and no byte is downloaded before it is read. It is an
// io.ReadSeekCloser and an io.ReaderAt, and carries the object's attributes.
// Reads use ctx; the caller must Close the reader.
func (s *Storage) Open(ctx context.Context, name string) (*Reader, error) {
	return s.open(ctx, "open", name, 0, -1)
}

// ReadRange returns a reader over length bytes of name from offset (length
// < 0: to the end), and the object's attributes, in one ranged request
// where the backend can. A range past the end is empty. Like a [Reader],
// the body reads the version it opened: a connection broken mid-body is
// resumed with a ranged read pinned to that version (see
// [WithReadResumes]), and a replaced object fails with ErrChanged. A read
// of the whole object is verified against its checksum.
func (s *Storage) ReadRange(ctx context.Context, name string, offset, length int64) (*RangeReader, error) {
	const op = "readrange"
	if offset < 0 {
		if err := s.check(ctx, op, name); err != nil {
			return nil, err
		}
		return nil, errorf(op, name, ErrInvalidArgument, "negative offset")
	}
	r, err := s.open(ctx, op, name, offset, length)
	if err != nil {
		return nil, err
	}
	return &RangeReader{r}, nil
}

// open reads bytes [off, off+n) of name (n < 0: to the end) with one read
// of the driver, bounded by the storage's timeout.
func (s *Storage) open(ctx context.Context, op, name string, off, n int64) (*Reader, error) {
	if err := s.check(ctx, op, name); err != nil {
		return nil, err
	}
	bctx, cancel := context.WithCancelCause(ctx)
	var timer *time.Timer
	if s.timeout > 0 {
		timer = time.AfterFunc(s.timeout, func() { cancel(context.DeadlineExceeded) })
	}
	body, attrs, err := s.read(bctx, op, name, ReadRequest{Offset: off, Length: n})
	if timer != nil && !timer.Stop() {
		// The timeout fired: the opening took too long.
		if err == nil {
			body.Close()
		}
		cancel(nil)
		return nil, &Error{Op: op, Name: name, Err: context.DeadlineExceeded}
	}
	if err != nil {
		cancel(nil)
		return nil, err
	}
	attrs.ETag = ValidETag(attrs.ETag)
	end := attrs.Size
	if n >= 0 && off+n < end {
		end = off + n
	}
	return newReader(ctx, s, name, body, attrs, off, max(end, off), bctx, cancel), nil
}

// RangeReader is the body of [Storage.ReadRange]: it streams the range
// (resuming a broken connection, pinned to the version opened), downloads a
// large range in parallel parts through WriteTo where the backend asks for
// them, and carries the object's attributes from the same response.
// Close it when done.
type RangeReader struct{ r *Reader }

// Attributes returns the attributes of the whole object (Size is the
// object's size, not the range's), as the response to the ranged read
// described them: always Size, ModTime and ContentType; the others where
// the backend's ranged response carries them (all of them on S3, Azure,
// memory and the filesystem; on GCS no ETag, Content-Disposition or
// Content-Language; through the gocloud bridge only the three), which
// [Storage.Stat] returns in any case.
func (rr *RangeReader) Attributes() *Attributes { return rr.r.attrs }

func (rr *RangeReader) Read(p []byte) (int, error) { return rr.r.Read(p) }

// WriteTo writes the rest of the range to w (see [Reader.WriteTo]).
func (rr *RangeReader) WriteTo(w io.Writer) (int64, error) { return rr.r.WriteTo(w) }

// Close releases the stream.
func (rr *RangeReader) Close() error { return rr.r.Close() }

// Stat returns the attributes of name in one request.
func (s *Storage) Stat(ctx context.Context, name string) (*Attributes, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const op = "stat"
	if err := s.check(ctx, op, name); err != nil {
		return nil, err
	}
	a, err := s.drv.Stat(ctx, s.location+name)
	if err != nil {
		return nil, s.wrap(ctx, op, name, err)
	}
	a.ETag = ValidETag(a.ETag)
	return a, nil
}

// Exists reports whether name exists.
func (s *Storage) Exists(ctx context.Context, name string) (bool, error) {
	_, err := s.Stat(ctx, name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotExist):
		return false, nil
	}
	var e *Error
	if errors.As(err, &e) {
		e.Op = "exists"
	}
	return false, err
}

// Delete removes name. Deleting a missing object is not an error.
func (s *Storage) Delete(ctx context.Context, name string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	const op = "delete"
	if err := s.check(ctx, op, name); err != nil {
		return err
	}
	err := s.wrap(ctx, op, name, s.drv.Delete(ctx, s.location+name))
	if errors.Is(err, ErrNotExist) {
		return nil
	}
	return err
}

// List yields the objects whose names start with prefix, sorted by name.
// The zero ListOptions lists recursively; OneLevel lists one directory level,
// with directory entries for deeper names. Pagination is handled inside; the
// iteration stops at the first error, which it yields.
//
//	for e, err := range st.List(ctx, "avatars/", storage.ListOptions{}) {
//		if err != nil { ... }
//		fmt.Println(e.Name, e.Size)
//	}
func (s *Storage) List(ctx context.Context, prefix string, opts ListOptions) iter.Seq2[Entry, error] {
	const op = "list"
	return func(yield func(Entry, error) bool) {
		ctx, cancel := s.bound(ctx)
		defer cancel()
		if reason := validatePrefix(prefix); reason != "" {
			yield(Entry{}, errorf(op, prefix, ErrInvalidName, reason))
			return
		}
		if err := ctx.Err(); err != nil {
			yield(Entry{}, &Error{Op: op, Name: prefix, Err: withCause(ctx, err)})
			return
		}
		if opts.PageSize < 0 {
			yield(Entry{}, errorf(op, prefix, ErrInvalidArgument, "negative page size"))
			return
		}
		after := opts.StartAfter
		if after != "" {
			opts.StartAfter = s.location + after
		}
		for e, err := range s.drv.List(ctx, s.location+prefix, opts) {
			if err != nil {
				yield(Entry{}, s.wrap(ctx, op, prefix, err))
				return
			}
			e.Name = strings.TrimPrefix(e.Name, s.location)
			if after != "" && e.Name <= after {
				continue // a driver without native StartAfter, or a directory entry before it
			}
			e.ETag = ValidETag(e.ETag)
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Wrap returns a copy of s, with every option kept, whose driver is
// wrap(s.Driver()). It is how wrappers (a prefix, read-only access,
// instrumentation) are put around any storage:
//
//	st = st.Wrap(readonly.Wrap)
func (s *Storage) Wrap(wrap func(Driver) Driver) *Storage {
	c := *s
	c.drv = wrap(s.drv)
	c.caps = c.capabilities()
	return &c
}
