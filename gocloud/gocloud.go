// Package gocloud bridges gocloud.dev/blob both ways. [OpenBucket] makes any
// *storage.Storage a *blob.Bucket, for code written against gocloud.dev
// (see [BucketDriver]; gocloud.dev's drivertest suite passes over it on
// every driver of this module). The rest of this documentation is about
// the other direction, [New]: any *blob.Bucket, from
// any gocloud.dev driver (memblob, fileblob, s3blob, gcsblob, azureblob or a
// third party's), becomes a go-storages backend, so a service can move to
// go-storages one bucket at a time, or use a backend only gocloud.dev has.
//
//	b, err := blob.OpenBucket(ctx, "mem://")
//	st, err := gocloud.New(ctx, gocloud.Config{Bucket: b})
//
// or by URL, with the gocloud.dev driver imported:
//
//	import _ "gocloud.dev/blob/fileblob"
//	st, err := storage.Open(ctx, "gocloud+file:///var/media?base_url=https://example.com/media/")
//
// # Capabilities
//
// gocloud.dev does not say what a bucket's driver supports, so the bridge
// declares what [CapabilitiesFor] knows of the driver named by
// Config.Scheme (the URL scheme of gocloud.dev's driver), or Config.Capabilities
// when set. With neither, it declares only what every gocloud.dev driver
// does: range reads, server-side copy, metadata and content type; then
// conditional create is not declared, and the Fail and Rename policies check
// for the name before writing, which two concurrent writers can both pass.
//
// Conditional create uses blob.WriterOptions.IfNotExist. Known to honour it
// atomically (gocloud.dev v0.47): mem, s3, gs and azblob. fileblob checks
// and renames without a lock that other writers share; the bridge
// serialises the commits of its own writers, which makes the Fail and
// Rename policies safe within one process, and declares no
// ConditionalCreate for file, since other processes can still race. A
// conditional write that loses the race fails with storage.ErrExist, and
// storage.Storage sends the body again under the name the Rename policy
// picks, as on every driver (see storage.WithSpoolLimit).
//
// Tested: the conformance suite passes over memblob and fileblob in the
// default test run, and over s3blob against MinIO with the
// s3blobconformance build tag (see s3blob_test.go). The gs and azblob
// entries of [CapabilitiesFor] follow gocloud.dev's code and documentation
// and are not exercised here. Two known gaps there, from gocloud.dev v0.47's
// code: gcsblob and azureblob list no ETags the bridge can reach without
// linking their SDKs, so List reports none for them (the conformance case
// etag/valid-and-same-everywhere fails), and neither asks for the stored
// bytes of an object saved with Content-Encoding gzip (gcsblob does not set
// ReadCompressed, so GCS decompresses; azureblob's SDK sends no
// Accept-Encoding, so Go's transport decodes), so reads of such objects may
// return decoded bytes: use this module's gcs and azure drivers, which pass
// the encoding group.
//
// Errors are mapped with gcerrors.Code. gocloud.dev reports a missing
// bucket and a missing object alike (NotFound), so a NotFound is followed by
// a listing of a prefix that matches nothing (blob.Bucket.IsAccessible
// without its first object; its "yes" trusted for a minute), and a bucket
// that is not there is storage.ErrBucketNotExist. fileblob lists a missing
// directory as empty, so over fileblob nothing is ever reported missing. A
// refused credential is storage.ErrPermission when gocloud.dev says
// PermissionDenied, when the SDK's error reports an HTTP status 401 or 403
// (s3blob and azureblob leave a wrong secret or key Unknown; gcsblob calls a
// 403 NotFound), or when Google's token endpoint refused the key; an
// Unknown error with another status gets storage.KindForStatus's kind, as
// on the project's own drivers. The bucket group of the conformance suite
// runs over s3blob, gcsblob and azureblob against the emulators. Over
// azureblob, writes go through blob.Bucket.Upload: its Writer panics in
// Close when an upload fails after a Write (gocloud.dev v0.47). fileblob
// cannot hold a key segment over 233 bytes (it writes through a temporary
// file named after the key plus 21 bytes): ENAMETOOLONG is
// storage.ErrInvalidName.
//
// A whole read is verified against the MD5 the gocloud.dev driver reports
// (blob.Attributes.MD5: memblob, s3blob for single-part objects, gcsblob,
// azureblob when set) and fails with storage.ErrChecksum on a mismatch;
// without an MD5 nothing is verified. fileblob's MD5 is not used (see
// [CapabilitiesFor]). A reader reads one version:
// over fileblob it reads the file it opened (seeks and ReadAt included);
// over other drivers its ranged reads are checked against the size and
// modification time of Open (a gocloud.dev reader carries no ETag) and fail
// with storage.ErrChanged when the object was replaced. fileblob keeps the
// attributes (with the MD5) apart from the bytes, and writes the new
// attributes before the new bytes, so a read racing an overwrite can get
// the attributes of one version and the bytes of another.
//
// Copy is blob.Bucket.Copy, inside the service (s3blob, gcsblob,
// azureblob) or the driver's own process (memblob, fileblob). It replaces
// the destination: gocloud.dev's portable Copy has no create-only
// condition (blob.CopyOptions carries only BeforeCopy), so the bridge
// refuses an exclusive copy with storage.ErrUnsupported, and
// storage.Storage's Copy under the Fail
// and Rename policies streams the bytes through this process into an
// exclusive write (IfNotExist), which is what makes it safe. The condition
// exists below the portable API for three drivers only, each through its
// SDK's own request type reached with BeforeCopy's As (azureblob's
// *blob.StartCopyFromURLOptions, s3blob's *s3.CopyObjectInput, gcsblob's
// *gcsblob.CopyObjectHandles); using them would link those SDKs into every
// program that uses the bridge, and importing gcsblob would register its
// "gs" URL scheme as a side effect. For server-side copies under every
// policy use this module's own s3, gcs and azure drivers; a caller may still
// call the bucket's Copy with a BeforeCopy of its own (Storage.As with a
// **blob.Bucket).
//
// Public objects are not supported (gocloud.dev has no portable ACLs).
// Signed URLs are the bucket's own (blob.Bucket.SignedURL) where its driver
// has them; [storage.WithSigner] stands in for the others.
package gocloud

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"google.golang.org/api/googleapi"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/asptr"
	"github.com/go-storages/storage/internal/azuretext"
	"github.com/go-storages/storage/internal/bucketcheck"
	"github.com/go-storages/storage/internal/googleauth"
)

// Config configures the bridge.
type Config struct {
	// Bucket is the gocloud.dev bucket to use. When nil, URL is opened with
	// blob.OpenBucket (its gocloud.dev driver must be imported).
	Bucket *blob.Bucket
	// URL is a gocloud.dev bucket URL ("mem://", "file:///dir",
	// "s3://bucket?region=..."), used when Bucket is nil.
	URL string
	// Scheme names the bucket's gocloud.dev driver ("mem", "file", "s3",
	// "gs", "azblob") to pick its capabilities with [CapabilitiesFor]; it
	// defaults to URL's scheme.
	Scheme string
	// Capabilities, when non-nil, replaces what [CapabilitiesFor] says.
	// Declare only what the driver really does: the conformance suite holds
	// the bridge to it.
	Capabilities *storage.Capabilities
	// KeepOpen leaves the bucket open when the storage is closed (for a
	// bucket the caller shares). By default Close closes it.
	KeepOpen bool
}

// SaveOptions are the bridge's own per-call options, passed as
// storage.SaveOptions.DriverOptions.
type SaveOptions struct {
	// BufferSize and MaxConcurrency are passed to blob.WriterOptions.
	BufferSize     int
	MaxConcurrency int
	// BeforeWrite is passed to blob.WriterOptions, to reach the gocloud.dev
	// driver's own request options with As.
	BeforeWrite func(asFunc func(any) bool) error
}

// DriverName implements storage.DriverOptions: "gocloud". Other drivers
// ignore these options.
func (*SaveOptions) DriverName() string { return "gocloud" }

// CapabilitiesFor returns what the bridge declares over the gocloud.dev
// driver registered for scheme (as of gocloud.dev v0.47). Unknown schemes
// get the portable minimum (see the package documentation).
func CapabilitiesFor(scheme string) storage.Capabilities {
	c := storage.Capabilities{ServerSideCopy: true, Metadata: true}
	switch scheme {
	case "mem":
		c.ConditionalCreate, c.Checksums = true, true
	case "file":
		// fileblob's IfNotExist checks and renames under a mutex of its
		// own writer, so it is not atomic. The bridge serialises the
		// commits of its own writers, which makes Fail and Rename safe
		// within one process, but not across processes: not declared.
		// The MD5 fileblob keeps (reported by Stat) is written to its
		// attributes file before the bytes are renamed into place, so
		// during an overwrite it can describe another version than the
		// bytes a reader opens: Checksums is not declared, and reads are
		// not verified against it. Signed URLs need a URLSigner in
		// fileblob.Options (secret_key_path in the URL) and are then
		// declared with Config.Capabilities.
	case "s3", "azblob":
		// s3blob (AWS SDK v2) and azureblob sign PUT URLs but cannot make
		// them require a content type (SignOptions.ContentType): no
		// SignedPutContentType.
		c.ConditionalCreate, c.SignedURL, c.SignedPutURL = true, true, true
	case "gs":
		// gcsblob signs the content-type header of a PUT.
		c.ConditionalCreate, c.SignedURL, c.SignedPutURL, c.SignedPutContentType = true, true, true, true
	}
	return c
}

// Driver implements storage.Driver over a *blob.Bucket.
type Driver struct {
	b     *blob.Bucket
	caps  storage.Capabilities
	cfg   Config
	owned bool // the bridge opened the bucket from Config.URL

	commitLocks [64]sync.Mutex       // see upload
	ifNotExist  bool                 // use WriterOptions.IfNotExist
	check       *bucketcheck.Checker // tells a missing bucket behind NotFound
	// secondModTimes: cut modification times to seconds (see modTime).
	secondModTimes bool
}

// NewDriver returns the bridge over cfg.Bucket, or over the bucket cfg.URL
// opens.
func NewDriver(ctx context.Context, cfg Config) (*Driver, error) {
	if cfg.Scheme == "" && cfg.URL != "" {
		if i := strings.Index(cfg.URL, "://"); i > 0 {
			cfg.Scheme = strings.ToLower(cfg.URL[:i])
		}
	}
	owned := cfg.Bucket == nil
	if cfg.Bucket == nil {
		if cfg.URL == "" {
			return nil, fmt.Errorf("%w: gocloud: Config needs a Bucket or a URL", storage.ErrInvalidArgument)
		}
		b, err := blob.OpenBucket(ctx, cfg.URL)
		if err != nil {
			// gocloud's message can quote the URL, which may hold secrets.
			return nil, fmt.Errorf("%w: gocloud: cannot open the %s bucket (code %v)", storage.ErrInvalidArgument, cfg.Scheme, gcerrors.Code(err))
		}
		cfg.Bucket = b
	}
	d := &Driver{b: cfg.Bucket, cfg: cfg, caps: CapabilitiesFor(cfg.Scheme), owned: owned}
	d.check = bucketcheck.New(cfg.Scheme+" bucket", d.bucketExists)
	if cfg.Capabilities != nil {
		d.caps = *cfg.Capabilities
	}
	d.caps.PublicObjects = false
	d.ifNotExist = d.caps.ConditionalCreate || cfg.Scheme == "file"
	d.secondModTimes = cfg.Scheme == "s3"
	return d, nil
}

// New returns a storage over the bridge.
func New(ctx context.Context, cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	d, err := NewDriver(ctx, cfg)
	if err != nil {
		return nil, err
	}
	st, err := storage.New(d, opts...)
	if err != nil {
		if d.owned {
			d.b.Close()
		}
		return nil, err
	}
	return st, nil
}

// Bucket returns the bucket under the bridge.
func (d *Driver) Bucket() *blob.Bucket { return d.b }

// As implements storage.Storage.As: a **blob.Bucket gets the gocloud.dev
// bucket (whose own As reaches the gocloud.dev driver's SDK types).
func (d *Driver) As(target any) bool { return asptr.Set(target, d.b) }

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities { return d.caps }

// modTime is t in UTC, cut to whole seconds for drivers whose listings and
// attribute calls report different precisions (S3: milliseconds in
// listings, seconds in HEAD), so List and Stat agree.
func (d *Driver) modTime(t time.Time) time.Time {
	if d.secondModTimes {
		t = t.Truncate(time.Second)
	}
	return t.UTC()
}

func (d *Driver) fromAttrs(a *blob.Attributes) *storage.Attributes {
	out := &storage.Attributes{
		Size:               a.Size,
		ModTime:            d.modTime(a.ModTime),
		ContentType:        a.ContentType,
		CacheControl:       a.CacheControl,
		ContentDisposition: a.ContentDisposition,
		ContentEncoding:    a.ContentEncoding,
		ContentLanguage:    a.ContentLanguage,
		ETag:               a.ETag,
		Metadata:           maps.Clone(a.Metadata),
	}
	if len(a.MD5) == 16 {
		out.Checksums.MD5 = a.MD5
	}
	if len(out.Metadata) == 0 {
		out.Metadata = nil
	}
	return out
}

// Read implements storage.Driver. A whole-object read costs one Attributes
// call (for the headers and metadata, which a blob.Reader does not carry)
// and one reader; a ranged read (offset > 0 or length >= 0), which the
// portable reader uses for seeks and ReadAt, costs the reader alone and
// reports what the reader knows: size, modification time and content type.
// gocloud.dev has no portable read condition, so req.Version is not passed
// on: the portable reader compares the attributes of each read.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	if req.Offset > 0 || req.Length >= 0 {
		r, err := d.rangeReader(ctx, name, req.Offset, req.Length, nil)
		if err != nil {
			return nil, nil, d.notFound(ctx, err)
		}
		return r, &storage.Attributes{Size: r.Size(), ModTime: d.modTime(r.ModTime()), ContentType: r.ContentType()}, nil
	}
	a, err := d.attributes(ctx, name)
	if err != nil {
		return nil, nil, d.notFound(ctx, err)
	}
	// A gocloud.dev driver that reads from a local file (fileblob) hands
	// it over: a whole-object read then seeks and reads at offsets in that
	// file, which keeps reading the version opened (the inode) when the
	// object is replaced. Its modification time cannot tell two versions
	// written within the same clock tick apart.
	var file *os.File
	r, err := d.rangeReader(ctx, name, 0, -1, &blob.ReaderOptions{BeforeRead: func(as func(any) bool) error {
		as(&file)
		return nil
	}})
	if err != nil {
		return nil, nil, d.notFound(ctx, err)
	}
	attrs := d.fromAttrs(a)
	if r.Size() != a.Size || !r.ModTime().Equal(a.ModTime) {
		// Replaced between the two calls: describe what is being read.
		if a2, err := d.attributes(ctx, name); err == nil {
			attrs = d.fromAttrs(a2)
		}
		attrs.Size, attrs.ModTime = r.Size(), d.modTime(r.ModTime())
	}
	if file != nil {
		// fileblob's MD5 may be the next version's (see CapabilitiesFor):
		// not a checksum of these bytes.
		attrs.Checksums = storage.Checksums{}
		return fileBody{file, r}, attrs, nil
	}
	return r, attrs, nil
}

// fileBody is a whole-object read from a local file: the *os.File itself
// (Read, Seek, ReadAt, and sendfile through the portable reader), closed
// with the blob.Reader that opened it.
type fileBody struct {
	*os.File
	r *blob.Reader
}

func (b fileBody) Close() error { return b.r.Close() }

func (d *Driver) rangeReader(ctx context.Context, name string, offset, length int64, opts *blob.ReaderOptions) (r *blob.Reader, err error) {
	err = retryTorn(ctx, func() error {
		r, err = d.b.NewRangeReader(ctx, name, offset, length, opts)
		return err
	})
	return r, err
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	a, err := d.attributes(ctx, name)
	if err != nil {
		return nil, d.notFound(ctx, err)
	}
	return d.fromAttrs(a), nil
}

// attributes is Bucket.Attributes, retried a few times when the attributes
// could not be decoded: fileblob rewrites its JSON sidecar file in place, so
// a reader racing an overwrite can find it empty or half written.
func (d *Driver) attributes(ctx context.Context, name string) (a *blob.Attributes, err error) {
	err = retryTorn(ctx, func() error {
		a, err = d.b.Attributes(ctx, name)
		return err
	})
	return a, err
}

// retryTorn calls f again, a few times, while it fails because a sidecar
// file was torn (see attributes).
func retryTorn(ctx context.Context, f func() error) error {
	delay := time.Millisecond
	for try := 0; ; try++ {
		err := f()
		var syntax *json.SyntaxError
		torn := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax)
		if !torn || try == 8 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// Delete implements storage.Driver. A failed delete of a name that does not
// exist as an object (fileblob refuses to remove a directory that only looks
// like one) is a success.
func (d *Driver) Delete(ctx context.Context, name string) error {
	err := d.b.Delete(ctx, name)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		if ok, xerr := d.b.Exists(ctx, name); xerr == nil && !ok {
			return nil
		}
	}
	return d.notFound(ctx, err)
}

// bucketProbe is a listing prefix that matches no object.
var bucketProbe = ".go-storages-bucket-probe-" + rand.Text() + "/"

// bucketExists is blob.Bucket.IsAccessible with a prefix that matches
// nothing: IsAccessible lists the first object, and a driver that then reads
// its attributes (fileblob) answers NotFound when that object is deleted
// meanwhile, which would make a busy bucket look missing.
func (d *Driver) bucketExists(ctx context.Context) (bool, error) {
	_, _, err := d.b.ListPage(ctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: bucketProbe})
	switch {
	case err == nil:
		return true, nil
	case gcerrors.Code(err) == gcerrors.NotFound:
		return false, nil
	}
	return false, err
}

// notFound resolves a gocloud.dev NotFound, which every driver also gives
// for a missing bucket: the bucket is asked about (one listing request; see
// bucketcheck for the cost), and a missing one is
// storage.ErrBucketNotExist. Other errors are returned as they are.
func (d *Driver) notFound(ctx context.Context, err error) error {
	if err != nil && gcerrors.Code(err) == gcerrors.NotFound {
		return d.check.Resolve(ctx, err)
	}
	return err
}

// List implements storage.Driver with blob.Bucket.List (delimiter "/" for
// one level), which pages internally.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		lo := &blob.ListOptions{Prefix: prefix}
		if opts.OneLevel {
			lo.Delimiter = "/"
		}
		it := d.b.List(lo)
		for {
			obj, err := it.Next(ctx)
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(storage.Entry{}, d.notFound(ctx, err))
				return
			}
			e := storage.Entry{Name: obj.Key, IsDir: obj.IsDir}
			if !obj.IsDir {
				e.Size, e.ModTime, e.ETag = obj.Size, d.modTime(obj.ModTime), d.listETag(obj)
				if len(obj.MD5) == 16 { // as Stat reports it
					e.Checksums.MD5 = obj.MD5
				}
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// listETag is the ETag of a listed object, the one Attributes reports, where
// the listing carries it (gocloud.dev's ListObject has no ETag field): from
// s3blob's types.Object; memblob and fileblob build theirs from the
// modification time and size, which the listing has ("<UnixNano in hex>-<size
// in hex>", quoted, as of gocloud.dev v0.47; the conformance case
// etag/valid-and-same-everywhere checks it). Other drivers: "" (gcsblob and
// azureblob would need their SDK's types, which the bridge does not link).
func (d *Driver) listETag(obj *blob.ListObject) string {
	switch d.cfg.Scheme {
	case "mem", "file":
		return fmt.Sprintf("\"%x-%x\"", obj.ModTime.UnixNano(), obj.Size)
	case "s3":
		var o s3types.Object
		if obj.As(&o) && o.ETag != nil {
			return *o.ETag
		}
	}
	return ""
}

// Copy implements storage.Driver with blob.Bucket.Copy, which replaces dst;
// an exclusive copy is ErrUnsupported (see the package documentation).
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	if exclusive {
		return storage.ErrUnsupported
	}
	return d.notFound(ctx, d.b.Copy(ctx, dst, src, nil))
}

// SignedURL implements storage.Driver with blob.Bucket.SignedURL.
func (d *Driver) SignedURL(ctx context.Context, name string, opts storage.SignOptions) (string, error) {
	if opts.Method == http.MethodPut && !d.caps.SignedPutURL || opts.Method != http.MethodPut && !d.caps.SignedURL {
		// Not declared: refuse rather than hand out a URL of unknown worth.
		return "", fmt.Errorf("%w: signed %s URLs are not declared for this bucket (see gocloud.CapabilitiesFor)", storage.ErrUnsupported, opts.Method)
	}
	if opts.Method == http.MethodPut && opts.ContentType != "" && !d.caps.SignedPutContentType {
		return "", fmt.Errorf("%w: this bucket's signed PUT URLs cannot require a content type (see gocloud.CapabilitiesFor)", storage.ErrUnsupported)
	}
	so := &blob.SignedURLOptions{Expiry: opts.Expiry, Method: opts.Method, ContentType: opts.ContentType}
	u, err := d.b.SignedURL(ctx, name, so)
	if gcerrors.Code(err) == gcerrors.Unimplemented {
		return "", fmt.Errorf("%w: %v", storage.ErrUnsupported, err)
	}
	return u, err
}

// ErrorKind implements storage.Driver with gcerrors.Code, corrected by the
// HTTP status of the service's answer where the SDK error carries one
// (storage.KindForStatus, as the project's own drivers map it): gocloud.dev
// leaves most refused credentials Unknown (s3blob: a wrong secret is
// SignatureDoesNotMatch; gcsblob: a key the token endpoint refuses) and
// gcsblob reports a 403 as NotFound.
func (d *Driver) ErrorKind(err error) error {
	if errors.Is(err, syscall.ENOTDIR) {
		// fileblob: a path below a file ("a.txt/b").
		return storage.ErrNotExist
	}
	if errors.Is(err, syscall.ENAMETOOLONG) {
		// fileblob: a key segment its files cannot hold (see the
		// package documentation).
		return storage.ErrInvalidName
	}
	status := d.httpStatus(err)
	if googleauth.Refused(err) || status == http.StatusUnauthorized || status == http.StatusForbidden {
		return storage.ErrPermission
	}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return storage.ErrNotExist
	case gcerrors.AlreadyExists, gcerrors.FailedPrecondition:
		return storage.ErrExist
	case gcerrors.PermissionDenied:
		return storage.ErrPermission
	case gcerrors.Unimplemented:
		return storage.ErrUnsupported
	case gcerrors.InvalidArgument:
		return storage.ErrInvalidArgument
	case gcerrors.Unknown:
		return storage.KindForStatus(status)
	}
	return nil
}

// ErrorText implements storage.ErrorTexter: the Azure SDK's error that
// azureblob wraps, a multi-line dump of the exchange, reads as one line as
// it does from this module's azure driver ("azure: HEAD
// /account/container/name: 403 Forbidden (AuthorizationFailure)", see
// internal/azuretext), after gocloud.dev's own "blob (key ...) (code=...)"
// head. Other errors keep their text.
func (d *Driver) ErrorText(err error) string { return azuretext.Text(err) }

// httpStatus is the HTTP status of the service's answer in err, or 0: the
// AWS SDK's errors report it with a method, gcsblob's *googleapi.Error and
// azureblob's *azcore.ResponseError in a field (the reason this package
// imports those two SDKs' error types: azureblob reports Azure's 403
// AuthorizationFailure as Unknown).
func (d *Driver) httpStatus(err error) int {
	var sc interface{ HTTPStatusCode() int }
	var ge *googleapi.Error
	var ae *azcore.ResponseError
	switch {
	case d.b.ErrorAs(err, &sc):
		return sc.HTTPStatusCode()
	case errors.As(err, &ge):
		return ge.Code
	case errors.As(err, &ae):
		return ae.StatusCode
	}
	return 0
}

// Close implements storage.Driver: it closes the bucket unless
// Config.KeepOpen.
func (d *Driver) Close() error {
	if d.cfg.KeepOpen {
		return nil
	}
	return d.b.Close()
}
