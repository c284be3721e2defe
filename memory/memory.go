// Package memory is an in-process storage driver: safe for concurrent use,
// fast, and the test double to reach for instead of a mock. Stored bytes are
// never shared with the caller: Save copies them in, readers see an immutable
// snapshot.
//
// It supports atomic conditional create, range reads, metadata and headers,
// checksums (MD5 and CRC32C, computed on the first Stat or List that
// reaches the object, and kept; a whole
// read of an object whose checksums are known is verified against the
// CRC32C, as on every driver that reports a checksum) and server-side copy. Public URLs need a base URL
// ([storage.WithBaseURL]) that points at something serving the storage, such
// as http.FileServer(http.FS(st.FS(ctx))); signed URLs need a signer
// ([storage.WithSigner], see package hmacurl).
package memory

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-storages/storage"
)

// New returns an empty in-memory storage.
func New(opts ...storage.Option) (*storage.Storage, error) {
	return storage.New(NewDriver(), opts...)
}

// NewDriver returns the bare driver, for wrappers and tests.
func NewDriver() *Driver {
	return &Driver{objects: map[string]*object{}}
}

// Driver implements storage.Driver in memory.
type Driver struct {
	mu      sync.RWMutex
	objects map[string]*object
	closed  bool
	version atomic.Uint64 // ETags: a new one for every write
}

type object struct {
	data  []byte // never modified after insertion
	attrs storage.Attributes
	md5   *lazyMD5 // MD5 and CRC32C, shared with copies of the same bytes
}

// lazyMD5 computes an object's MD5 (and CRC32C) on the first Stat rather
// than on every Save: hashing is most of the CPU time of a Save, and most
// objects are never asked for their checksum. The CRC32C, many times
// cheaper than the MD5, is what the portable reader then verifies whole
// reads against.
type lazyMD5 struct {
	once sync.Once
	done atomic.Bool
	sum  []byte
	crc  []byte
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// get returns the MD5 and CRC32C of data, computing them once.
func (l *lazyMD5) get(data []byte) ([]byte, []byte) {
	l.once.Do(func() {
		s := md5.Sum(data)
		l.sum = s[:]
		l.crc = binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, castagnoli))
		l.done.Store(true)
	})
	return l.sum, l.crc
}

// peek returns the sums if they were computed already, else nil.
func (l *lazyMD5) peek() ([]byte, []byte) {
	if l.done.Load() {
		return l.sum, l.crc
	}
	return nil, nil
}

var errClosed = errors.New("memory: storage is closed")

// Capabilities implements storage.Driver.
func (d *Driver) Capabilities() storage.Capabilities {
	return storage.Capabilities{
		ConditionalCreate: true,
		ServerSideCopy:    true,
		Metadata:          true,
		Checksums:         true,
	}
}

// Write implements storage.Driver.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	if opts.Public {
		return storage.ErrUnsupported
	}
	data, err := readAll(ctx, r, opts.Size)
	if err != nil {
		return err
	}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(); err != nil {
			return err
		}
	}
	obj := &object{data: data, md5: &lazyMD5{}, attrs: storage.Attributes{
		Size:               int64(len(data)),
		ContentType:        opts.ContentType,
		CacheControl:       opts.CacheControl,
		ContentDisposition: opts.ContentDisposition,
		ContentEncoding:    opts.ContentEncoding,
		ContentLanguage:    opts.ContentLanguage,
		Metadata:           maps.Clone(opts.Metadata),
		ETag:               fmt.Sprintf(`"%x"`, d.version.Add(1)),
	}}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, taken := d.objects[name]; taken && opts.Exclusive {
		return storage.ErrExist
	}
	obj.attrs.ModTime = time.Now().UTC()
	d.objects[name] = obj
	return nil
}

// readAll reads r into one exactly sized slice, checking ctx between reads.
// When the size is known the bytes go straight into a slice of that size
// (one spare byte to see io.EOF). Otherwise they go into chunks that double
// up to 16 MiB and are copied into one slice at the end, so an object of
// unknown size costs at most about twice its size while it is saved (never
// the three times of a doubling buffer) and exactly its size once stored.
func readAll(ctx context.Context, r io.Reader, size int64) ([]byte, error) {
	const firstChunk, maxChunk = 32 << 10, 16 << 20
	var chunks [][]byte
	next := firstChunk
	if size > 0 && size < math.MaxInt-1 {
		next = int(size) + 1
	}
	total := 0
	for {
		buf := make([]byte, 0, next)
		for len(buf) < cap(buf) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				total += len(buf)
				return join(append(chunks, buf), total), nil
			}
			if err != nil {
				return nil, err
			}
		}
		total += len(buf)
		chunks = append(chunks, buf)
		next = min(max(2*next, firstChunk), maxChunk)
	}
}

// join returns the chunks as one slice of total bytes without spare capacity
// beyond one byte.
func join(chunks [][]byte, total int) []byte {
	if len(chunks) == 1 && cap(chunks[0]) <= total+1 {
		return chunks[0]
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

func (d *Driver) get(name string) (*object, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, errClosed
	}
	o, ok := d.objects[name]
	if !ok {
		return nil, storage.ErrNotExist
	}
	return o, nil
}

// Read implements storage.Driver. For a whole-object read the body is a
// bytes.Reader, so the portable reader seeks and reads at offsets in place.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	o, err := d.get(name)
	if err != nil {
		return nil, nil, err
	}
	data := o.data
	if req.Offset == 0 && req.Length < 0 {
		return readCloser{bytes.NewReader(data)}, o.copyAttrs(false), nil
	}
	offset := min(req.Offset, int64(len(data)))
	end := int64(len(data))
	if req.Length >= 0 && offset+req.Length < end {
		end = offset + req.Length
	}
	return io.NopCloser(bytes.NewReader(data[offset:end])), o.copyAttrs(false), nil
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// copyAttrs returns a copy of the attributes. With withSum it computes the
// MD5 if needed; without it (reads) it includes the MD5 only when known.
func (o *object) copyAttrs(withSum bool) *storage.Attributes {
	a := o.attrs
	a.Metadata = maps.Clone(a.Metadata)
	sum, crc := o.md5.peek()
	if withSum {
		sum, crc = o.md5.get(o.data)
	}
	a.Checksums.MD5 = slices.Clone(sum)
	a.Checksums.CRC32C = slices.Clone(crc)
	return &a
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := d.get(name)
	if err != nil {
		return nil, err
	}
	return o.copyAttrs(true), nil
}

// Delete implements storage.Driver.
func (d *Driver) Delete(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosed
	}
	delete(d.objects, name)
	return nil
}

// List implements storage.Driver. It snapshots the matching names, so the
// caller may write to the storage while iterating.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		d.mu.RLock()
		if d.closed {
			d.mu.RUnlock()
			yield(storage.Entry{}, errClosed)
			return
		}
		var entries []storage.Entry
		objs := map[string]*object{} // of the object entries, for their checksums
		seenDir := map[string]bool{}
		start := storage.ListStart(prefix, opts)
		for name, o := range d.objects {
			if !strings.HasPrefix(name, prefix) || start != "" && name <= start {
				continue
			}
			if opts.OneLevel {
				if i := strings.IndexByte(name[len(prefix):], '/'); i >= 0 {
					dir := name[:len(prefix)+i+1]
					if !seenDir[dir] {
						seenDir[dir] = true
						entries = append(entries, storage.Entry{Name: dir, IsDir: true})
					}
					continue
				}
			}
			entries = append(entries, storage.Entry{Name: name, Size: o.attrs.Size, ModTime: o.attrs.ModTime, ETag: o.attrs.ETag})
			objs[name] = o
		}
		d.mu.RUnlock()
		slices.SortFunc(entries, func(a, b storage.Entry) int { return strings.Compare(a.Name, b.Name) })
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				yield(storage.Entry{}, err)
				return
			}
			if o := objs[e.Name]; !e.IsDir && o != nil {
				// Computed once per object (as Stat does), as the
				// listing reaches it, outside the lock.
				md5, crc := o.md5.get(o.data)
				e.Checksums = storage.Checksums{MD5: slices.Clone(md5), CRC32C: slices.Clone(crc)}
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Copy implements storage.Driver: the copy shares the immutable bytes.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosed
	}
	o, ok := d.objects[src]
	if !ok {
		return storage.ErrNotExist
	}
	if _, taken := d.objects[dst]; taken && exclusive {
		return storage.ErrExist
	}
	c := &object{data: o.data, md5: o.md5, attrs: *o.copyAttrs(false)}
	c.attrs.Checksums = storage.Checksums{}
	c.attrs.ModTime = time.Now().UTC()
	c.attrs.ETag = fmt.Sprintf(`"%x"`, d.version.Add(1))
	d.objects[dst] = c
	return nil
}

// SignedURL implements storage.Driver: memory has no native signing; use
// storage.WithSigner.
func (d *Driver) SignedURL(context.Context, string, storage.SignOptions) (string, error) {
	return "", storage.ErrUnsupported
}

// ErrorKind implements storage.Driver; the driver's errors already carry their kind.
func (d *Driver) ErrorKind(error) error { return nil }

// Close implements storage.Driver. Later calls fail.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.objects = nil
	return nil
}
