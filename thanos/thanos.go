// Package thanos makes any *storage.Storage a Thanos objstore.Bucket
// (github.com/thanos-io/objstore), the object storage interface of Thanos,
// Cortex, Loki and Mimir, so those can keep blocks and chunks on any
// go-storages driver, wrappers included:
//
//	st, err := s3.New(ctx, s3.Config{Bucket: "blocks"})
//	bkt := thanos.NewBucket(st, "blocks")
//	bkt = objstore.WrapWithMetrics(bkt, reg, "blocks") // as with any objstore.Bucket
//
// objstore's own acceptance test (objstore.AcceptanceTest) passes over it on
// every driver of this module (memory, filesystem, MinIO, fake-gcs-server,
// Azurite). Differences from objstore's providers:
//
//   - Names are storage names (see storage.ValidateName): a name
//     objstore's providers would accept but storage refuses (a backslash, a
//     control character, a "." or ".." segment, a doubled "/") fails with
//     storage.ErrInvalidName. Thanos' own names (ULIDs, "meta.json",
//     "chunks/000001") are all valid.
//   - Upload replaces the object (storage.Overwrite) and is atomic: a
//     failed or cancelled upload leaves the previous object. The reader is
//     handed to storage.Save as it is, so a file keeps its seekable upload
//     paths. objstore.WithContentType sets the content type; without it,
//     storage detects one.
//   - Delete of a missing object fails with an error IsObjNotFoundErr
//     reports, as objstore asks: the bucket asks Exists first (storage's
//     Delete is idempotent), so a concurrent delete between the two is not
//     seen.
//   - GetRange opens the object and seeks (one request from offset 0,
//     a second, version-pinned one from any other offset); a length past the
//     end reads to the end. The readers of Get and GetRange report their
//     size (objstore.TryToGetSize).
//   - Iter and IterWithAttributes support objstore.WithRecursiveIter and
//     objstore.WithUpdatedAt; directories end in "/".
//   - Close does not close the storage, which the caller keeps owning.
package thanos

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/thanos-io/objstore"

	"github.com/go-storages/storage"
)

// Provider is what Bucket.Provider reports.
const Provider objstore.ObjProvider = "GO-STORAGES"

// Bucket is an objstore.Bucket over a *storage.Storage.
type Bucket struct {
	st   *storage.Storage
	name string
}

var _ objstore.Bucket = (*Bucket)(nil)

// NewBucket returns a bucket over st; name is what Name reports (objstore
// uses it in logs and metrics).
func NewBucket(st *storage.Storage, name string) *Bucket { return &Bucket{st: st, name: name} }

// Storage returns the storage under the bucket.
func (b *Bucket) Storage() *storage.Storage { return b.st }

// Provider implements objstore.Bucket.
func (b *Bucket) Provider() objstore.ObjProvider { return Provider }

// Name implements objstore.Bucket.
func (b *Bucket) Name() string { return b.name }

// Close does nothing: the storage belongs to the caller.
func (b *Bucket) Close() error { return nil }

// Upload saves r under name, replacing any object there.
func (b *Bucket) Upload(ctx context.Context, name string, r io.Reader, opts ...objstore.ObjectUploadOption) error {
	p := objstore.ApplyObjectUploadOptions(opts...)
	_, err := b.st.Save(ctx, name, r, storage.SaveOptions{ContentType: p.ContentType, Conflict: storage.Overwrite})
	return err
}

// Delete removes an existing object; a missing one is an error matching
// storage.ErrNotExist.
func (b *Bucket) Delete(ctx context.Context, name string) error {
	ok, err := b.st.Exists(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return &storage.Error{Op: "delete", Name: name, Err: storage.ErrNotExist}
	}
	return b.st.Delete(ctx, name)
}

// SupportedIterOptions implements objstore.Bucket.
func (b *Bucket) SupportedIterOptions() []objstore.IterOptionType {
	return []objstore.IterOptionType{objstore.Recursive, objstore.UpdatedAt}
}

// Iter calls f with the name of each entry of dir, sorted.
func (b *Bucket) Iter(ctx context.Context, dir string, f func(string) error, options ...objstore.IterOption) error {
	return b.IterWithAttributes(ctx, dir, func(a objstore.IterObjectAttributes) error { return f(a.Name) }, options...)
}

// IterWithAttributes calls f for each entry of dir, sorted; with
// objstore.WithUpdatedAt the objects carry their modification time.
func (b *Bucket) IterWithAttributes(ctx context.Context, dir string, f func(objstore.IterObjectAttributes) error, options ...objstore.IterOption) error {
	if err := objstore.ValidateIterOptions(b.SupportedIterOptions(), options...); err != nil {
		return err
	}
	p := objstore.ApplyIterOptions(options...)
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	for e, err := range b.st.List(ctx, dir, storage.ListOptions{OneLevel: !p.Recursive}) {
		if err != nil {
			return err
		}
		a := objstore.IterObjectAttributes{Name: e.Name}
		if p.LastModified && !e.IsDir {
			a.SetLastModified(e.ModTime)
		}
		if err := f(a); err != nil {
			return err
		}
	}
	return nil
}

// Get opens name.
func (b *Bucket) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	return b.GetRange(ctx, name, 0, -1)
}

// GetRange opens length bytes of name from off (length < 0: to the end).
func (b *Bucket) GetRange(ctx context.Context, name string, off, length int64) (io.ReadCloser, error) {
	if off < 0 {
		return nil, &storage.Error{Op: "getrange", Name: name, Err: storage.ErrInvalidArgument}
	}
	r, err := b.st.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	size := max(r.Size()-off, 0)
	if off > 0 {
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			r.Close()
			return nil, err
		}
	}
	rd := &reader{Reader: r, body: r, size: size}
	if length >= 0 && length < size {
		rd.body, rd.size = io.LimitReader(r, length), length
	}
	return rd, nil
}

// reader is a storage reader limited to a range that reports its size.
type reader struct {
	*storage.Reader
	body io.Reader
	size int64
}

func (r *reader) Read(p []byte) (int, error) { return r.body.Read(p) }

// WriteTo copies the range (the storage reader's parallel WriteTo for a
// whole object).
func (r *reader) WriteTo(w io.Writer) (int64, error) {
	if r.body == io.Reader(r.Reader) {
		return r.Reader.WriteTo(w)
	}
	return io.Copy(w, r.body)
}

// ObjectSize implements objstore.ObjectSizer.
func (r *reader) ObjectSize() (int64, error) { return r.size, nil }

// Exists reports whether name exists.
func (b *Bucket) Exists(ctx context.Context, name string) (bool, error) {
	return b.st.Exists(ctx, name)
}

// IsObjNotFoundErr reports whether err matches storage.ErrNotExist.
func (b *Bucket) IsObjNotFoundErr(err error) bool { return errors.Is(err, storage.ErrNotExist) }

// IsAccessDeniedErr reports whether err matches storage.ErrPermission.
func (b *Bucket) IsAccessDeniedErr(err error) bool { return errors.Is(err, storage.ErrPermission) }

// Attributes returns the size and modification time of name.
func (b *Bucket) Attributes(ctx context.Context, name string) (objstore.ObjectAttributes, error) {
	a, err := b.st.Stat(ctx, name)
	if err != nil {
		return objstore.ObjectAttributes{}, err
	}
	return objstore.ObjectAttributes{Size: a.Size, LastModified: a.ModTime}, nil
}
