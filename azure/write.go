package azure

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"maps"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"golang.org/x/sync/errgroup"

	"github.com/go-storages/storage"
)

// upload is the state of one Write.
type upload struct {
	d       *Driver
	opts    *storage.WriteOptions
	headers *blob.HTTPHeaders
	meta    map[string]*string
	tier    *blob.AccessTier
	tags    map[string]string
}

// Write implements storage.Driver.
//
// A body that fits in one block (BlockSize) is sent with one Put Blob
// (If-None-Match: * when the write is exclusive): an input read at offsets
// (see storage.ReaderAtOf: a file, a bytes.Reader) straight from it, a
// stream read into memory first. A larger body is staged in blocks and
// committed with one Put Block List (conditional likewise): an input read
// at offsets is staged in sections read straight from it, Concurrency at a
// time; a stream through Concurrency+1 buffers of the budget. Staged but
// uncommitted blocks are never visible, and the service discards them after
// a week.
//
// Azure keeps one list of uncommitted blocks per blob and discards all of it
// when any writer commits or deletes the blob, so of concurrent staged
// uploads to one name only the first to commit succeeds; the others' commits
// fail with InvalidBlockList (each upload stages under its own random block
// IDs, so no upload ever commits another's blocks). Such a write stores
// nothing and fails with an error matching storage.ErrChanged (for an
// exclusive write, storage.ErrExist: the name is taken now), and Storage
// sends the body again when it can read it again.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	if opts.Public {
		return errPublic
	}
	so, err := d.saveOptions(opts.DriverOptions)
	if err != nil {
		return err
	}
	meta, err := encodeMetadata(opts.Metadata, d.cfg.StrictMetadataKeys)
	if err != nil {
		return err
	}
	u := &upload{d: d, opts: opts, meta: meta, headers: httpHeaders(opts), tags: so.Tags}
	if so.AccessTier != "" {
		t := so.AccessTier
		u.tier = &t
	}
	if ra, off, size, ok := storage.ReaderAtOf(r); ok {
		d.fromInput.Add(1)
		if err := u.fromInput(ctx, name, ra, off, size); err != nil {
			return err
		}
		_, err := r.(io.Seeker).Seek(off+size, io.SeekStart)
		return err
	}
	return u.fromStream(ctx, name, r)
}

// lostBlocksError: Put Block List failed with InvalidBlockList because the
// blocks this upload staged are gone. Azure keeps one list of uncommitted
// blocks per blob and discards it whenever any writer commits the blob
// (Put Block List or Put Blob) or deletes it, so of concurrent staged
// uploads to one name only the first to commit succeeds.
type lostBlocksError struct {
	name string
	err  error
}

func (e *lostBlocksError) Error() string {
	return fmt.Sprintf("azure: another writer committed %q while this upload staged its blocks, which Azure then discarded: %v", e.name, e.err)
}
func (e *lostBlocksError) Unwrap() error { return e.err }

func isLostBlocks(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && bloberror.Code(re.ErrorCode) == bloberror.InvalidBlockList
}

// lostRace is the error of an upload whose blocks a concurrent commit
// dropped: nothing was stored; for an exclusive write the name is taken
// (ErrExist, as for a conflict at commit), for an overwrite sending the
// body again may succeed (ErrChanged).
func (u *upload) lostRace(name string, err error) error {
	kind := storage.ErrChanged
	if u.opts.Exclusive {
		kind = storage.ErrExist
	}
	return &raceError{kind, &lostBlocksError{name, err}}
}

// raceError is a lost race with its kind (matched by errors.Is, without
// repeating its text) and the service's error (reachable with errors.As).
type raceError struct {
	kind error
	lost *lostBlocksError
}

func (e *raceError) Error() string   { return e.lost.Error() }
func (e *raceError) Unwrap() []error { return []error{e.kind, e.lost} }

func httpHeaders(o *storage.WriteOptions) *blob.HTTPHeaders {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return &blob.HTTPHeaders{
		BlobContentType:        str(o.ContentType),
		BlobCacheControl:       str(o.CacheControl),
		BlobContentDisposition: str(o.ContentDisposition),
		BlobContentEncoding:    str(o.ContentEncoding),
		BlobContentLanguage:    str(o.ContentLanguage),
	}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func newCRC32C() hash.Hash { return crc32.New(castagnoli) }

func (u *upload) conditions() *blob.AccessConditions {
	if !u.opts.Exclusive {
		return nil
	}
	return &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfNoneMatch: to.Ptr(azcore.ETagAny)}}
}

func (u *upload) beforeCommit() error {
	if u.opts.BeforeCommit != nil {
		return u.opts.BeforeCommit()
	}
	return nil
}

// putSingle stores a body that fits in one request. body returns a fresh
// reader each time.
func (u *upload) putSingle(ctx context.Context, name string, body func() io.ReadSeeker, md5sum []byte) error {
	h := *u.headers
	h.BlobContentMD5 = md5sum
	start := time.Now()
	actx, tries := withAttempts(ctx)
	_, err := u.d.cont.NewBlockBlobClient(name).Upload(actx, streaming.NopCloser(body()), &blockblob.UploadOptions{
		HTTPHeaders:      &h,
		Metadata:         u.meta,
		Tier:             u.tier,
		Tags:             u.tags,
		AccessConditions: u.conditions(),
	})
	if outcomeUnknown(ctx, err, tries) && u.d.putCommitted(ctx, name, body, md5sum, start) {
		return nil
	}
	return err
}

// finish runs the caller's check before the commit (the checksum verifier),
// commits the staged blocks, and turns blocks lost to a concurrent writer
// into the lost race's error.
func (u *upload) finish(ctx context.Context, name string, ids []string, crc hash.Hash) error {
	if err := u.beforeCommit(); err != nil {
		return err
	}
	err := u.commit(ctx, name, ids, crc)
	if isLostBlocks(err) {
		return u.lostRace(name, err)
	}
	return err
}

// commit commits the staged blocks under name, with the CRC32C of the whole
// body (nil: unknown) in the blob's metadata.
func (u *upload) commit(ctx context.Context, name string, ids []string, crc hash.Hash) error {
	meta := u.meta
	if crc != nil {
		meta = make(map[string]*string, len(u.meta)+1)
		maps.Copy(meta, u.meta)
		v := hex.EncodeToString(crc.Sum(nil))
		meta[crcKey] = &v
	}
	actx, tries := withAttempts(ctx)
	_, err := u.d.cont.NewBlockBlobClient(name).CommitBlockList(actx, ids, &blockblob.CommitBlockListOptions{
		HTTPHeaders:      u.headers,
		Metadata:         meta,
		Tier:             u.tier,
		Tags:             u.tags,
		AccessConditions: u.conditions(),
	})
	if outcomeUnknown(ctx, err, tries) && u.d.blocksCommitted(ctx, name, ids) {
		return nil
	}
	return err
}

// blockSize returns the block size for a body of size bytes (-1: unknown),
// grown when needed to stay within MaxBlocks.
func (u *upload) blockSize(size int64) int64 {
	bs := u.d.cfg.BlockSize
	if size > bs*MaxBlocks {
		bs = (size + MaxBlocks - 1) / MaxBlocks
	}
	return bs
}

// blockIDs makes block IDs of one upload: a random prefix and the block
// index, all of the same length as Azure requires.
type blockIDs [24]byte

func newBlockIDs() (blockIDs, error) {
	var b blockIDs
	_, err := rand.Read(b[:16])
	return b, err
}

func (b blockIDs) id(i int) string {
	binary.BigEndian.PutUint64(b[16:], uint64(i))
	return base64.StdEncoding.EncodeToString(b[:])
}

// fromInput uploads size bytes of ra from off, reading sections of the
// input directly: no buffer, no copy.
func (u *upload) fromInput(ctx context.Context, name string, ra io.ReaderAt, off, size int64) error {
	bs := u.blockSize(size)
	if size <= bs {
		var sum []byte
		if !u.d.cfg.DisableChecksums {
			h := md5.New()
			if _, err := io.Copy(h, io.NewSectionReader(ra, off, size)); err != nil {
				return err
			}
			sum = h.Sum(nil)
		}
		if err := u.beforeCommit(); err != nil {
			return err
		}
		return u.putSingle(ctx, name, func() io.ReadSeeker { return io.NewSectionReader(ra, off, size) }, sum)
	}
	// The CRC32C of the input, read once more beside the staging (from the
	// page cache, usually). This pass reads the input in order, so the
	// verifier of expected checksums (storage.Storage's, which r is when
	// SaveOptions.Checksums are set) hashes along with it and has nothing
	// left to read at BeforeCommit, which is called once the blocks are
	// staged, before the commit makes them visible.
	var sum hash.Hash
	var sumErr error
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		if u.d.cfg.DisableChecksums {
			return
		}
		h := newCRC32C()
		if _, sumErr = io.Copy(h, ctxReader{ctx, io.NewSectionReader(ra, off, size)}); sumErr == nil {
			sum = h
		}
	}()
	ids, err := u.stageFile(ctx, name, ra, off, size, bs)
	<-hashed
	if err != nil {
		return err
	}
	if sumErr != nil {
		return sumErr
	}
	return u.finish(ctx, name, ids, sum)
}

func (u *upload) stageFile(ctx context.Context, name string, ra io.ReaderAt, off, size, bs int64) ([]string, error) {
	gen, err := newBlockIDs()
	if err != nil {
		return nil, err
	}
	bb := u.d.cont.NewBlockBlobClient(name)
	n := int((size + bs - 1) / bs)
	ids := make([]string, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(u.d.cfg.Concurrency)
	for i := range n {
		ids[i] = gen.id(i)
		start := int64(i) * bs
		length := min(bs, size-start)
		id := ids[i]
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			_, err := bb.StageBlock(gctx, id, streaming.NopCloser(io.NewSectionReader(ra, off+start, length)), nil)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ids, nil
}

// buffer is one upload buffer of a block (of BlockSize bytes, or of the
// budget's size when that is smaller), taken from the budget.
type buffer struct{ data []byte }

// getBuffer waits for budget for one block and returns its buffer.
func (d *Driver) getBuffer(ctx context.Context) (*buffer, error) {
	b, err := d.budget.Get(ctx, d.cfg.BlockSize)
	if err != nil {
		return nil, err
	}
	return &buffer{b}, nil
}

func (d *Driver) putBuffer(b *buffer) { d.budget.Put(b.data) }

// bufferSet is the buffers of one staged upload: at most max, taken from the
// driver's pool under the budget when first needed, then recycled within the
// upload (no garbage per block), and given back by close.
type bufferSet struct {
	d    *Driver
	free chan *buffer
	n    int
}

func newBufferSet(d *Driver, max int, first *buffer) *bufferSet {
	s := &bufferSet{d: d, free: make(chan *buffer, max)}
	if first != nil {
		s.n = 1
	}
	return s
}

// get returns a free buffer of the set, a new one while the set is below
// its size and the budget allows, or waits for one to come back.
func (s *bufferSet) get(ctx context.Context) (*buffer, error) {
	select {
	case b := <-s.free:
		return b, nil
	default:
	}
	if s.n < cap(s.free) {
		if s.n == 0 {
			b, err := s.d.getBuffer(ctx) // nothing to wait for but the budget
			if err == nil {
				s.n++
			}
			return b, err
		}
		if b, ok := s.d.budget.TryGet(s.d.cfg.BlockSize); ok {
			s.n++
			return &buffer{b}, nil
		}
	}
	select {
	case b := <-s.free:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put gives a buffer back to the set; it never blocks.
func (s *bufferSet) put(b *buffer) { s.free <- b }

// close returns the set's buffers to the driver; every buffer must have
// been put back.
func (s *bufferSet) close() {
	for range s.n {
		s.d.putBuffer(<-s.free)
	}
}

// fromStream uploads a body that is not a file.
func (u *upload) fromStream(ctx context.Context, name string, r io.Reader) error {
	d := u.d
	size := u.opts.Size
	if size >= 0 && size < d.cfg.BlockSize {
		// Small body of known size: an exactly sized buffer, one extra
		// byte to see the end.
		buf := make([]byte, size+1)
		n, err := io.ReadFull(r, buf)
		switch err {
		case io.EOF, io.ErrUnexpectedEOF:
			return u.single(ctx, name, buf[:n])
		case nil:
			return u.staged(ctx, name, r, buf[:n], nil)
		}
		return err
	}
	first, err := d.getBuffer(ctx)
	if err != nil {
		return err
	}
	n, err := io.ReadFull(r, first.data)
	switch err {
	case io.EOF, io.ErrUnexpectedEOF:
		defer d.putBuffer(first)
		return u.single(ctx, name, first.data[:n])
	case nil:
		return u.staged(ctx, name, r, first.data, first)
	}
	d.putBuffer(first)
	return err
}

// single stores the whole body, already in memory, with one request.
func (u *upload) single(ctx context.Context, name string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := u.beforeCommit(); err != nil {
		return err
	}
	sum := md5.Sum(data)
	return u.putSingle(ctx, name, func() io.ReadSeeker { return bytes.NewReader(data) }, sum[:])
}

// staged uploads a stream of more than one block: first is the first block,
// already read (firstBuf is its pooled buffer, or nil), and r the rest.
func (u *upload) staged(ctx context.Context, name string, r io.Reader, first []byte, firstBuf *buffer) error {
	d := u.d
	gen, err := newBlockIDs()
	if err != nil {
		if firstBuf != nil {
			d.putBuffer(firstBuf)
		}
		return err
	}
	bb := d.cont.NewBlockBlobClient(name)
	bufs := newBufferSet(d, d.cfg.Concurrency+1, firstBuf)
	defer bufs.close()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.cfg.Concurrency)
	var ids []string
	var readErr error
	// The CRC32C is computed by its own goroutine, in block order, beside
	// the reading and the staging; a block's buffer is released once it was
	// both staged and hashed.
	var h hash.Hash
	type hashJob struct {
		data []byte
		done chan struct{}
	}
	var hashCh chan hashJob
	hashDone := make(chan struct{})
	if d.cfg.DisableChecksums {
		close(hashDone)
	} else {
		h = newCRC32C()
		hashCh = make(chan hashJob, d.cfg.Concurrency+2)
		go func() {
			defer close(hashDone)
			for j := range hashCh {
				h.Write(j.data)
				close(j.done)
			}
		}()
	}
	stage := func(i int, blk []byte, bf *buffer) {
		var hashed chan struct{}
		if hashCh != nil {
			hashed = make(chan struct{})
			hashCh <- hashJob{blk, hashed}
		}
		id := gen.id(i)
		ids = append(ids, id)
		g.Go(func() error {
			defer func() {
				if hashed != nil {
					<-hashed
				}
				if bf != nil {
					bufs.put(bf)
				}
			}()
			_, err := bb.StageBlock(gctx, id, streaming.NopCloser(bytes.NewReader(blk)), nil)
			return err
		})
	}
	data, buf, last := first, firstBuf, false
loop:
	for i := 0; ; i++ {
		if i >= MaxBlocks {
			if buf != nil {
				bufs.put(buf)
			}
			readErr = invalidf("azure: a stream is limited to %d blocks of Config.BlockSize (%d bytes); use a larger BlockSize, or save from an *os.File", MaxBlocks, d.cfg.BlockSize)
			break
		}
		stage(i, data, buf)
		if last {
			break
		}
		// A recycled buffer may be free at once: look at the context
		// before reading on, so a cancelled (or failed) upload reads no
		// more of its input than the block in hand.
		if err := gctx.Err(); err != nil {
			readErr = err
			break
		}
		nb, err := bufs.get(gctx)
		if err != nil {
			readErr = err
			break
		}
		n, err := io.ReadFull(r, nb.data)
		switch err {
		case nil:
		case io.ErrUnexpectedEOF:
			last = true
		case io.EOF:
			bufs.put(nb)
			break loop
		default:
			bufs.put(nb)
			readErr = err
			break loop
		}
		data, buf = nb.data[:n], nb
	}
	if hashCh != nil {
		close(hashCh)
	}
	stageErr := g.Wait()
	<-hashDone
	switch {
	case readErr != nil && !errors.Is(readErr, context.Canceled):
		return readErr
	case stageErr != nil:
		return stageErr
	case readErr != nil:
		return readErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return u.finish(ctx, name, ids, h)
}

// ctxReader stops reading once ctx is done, so a cancelled upload stops
// reading its input.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
