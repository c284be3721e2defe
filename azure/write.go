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
	mrand "math/rand/v2"
	"os"
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
// A body that fits in one block (BlockSize) is read into memory and sent
// with one Put Blob (If-None-Match: * when the write is exclusive), so a
// conflict is retried under the name OnConflict returns with the same bytes.
//
// A larger body is staged in blocks and committed with one Put Block List.
// Blocks are staged under the target name and cannot move to another one, so
// for an exclusive write the name is first checked (and replaced through
// OnConflict while taken) before any block is staged; the commit itself is
// still conditional (If-None-Match: *). If another writer creates the name
// during the upload, an *os.File body is staged again under the next name,
// while any other stream, already consumed, fails with an error matching
// storage.ErrExist. Staged but uncommitted blocks are never visible, and the
// service discards them after a week.
//
// Azure keeps one list of uncommitted blocks per blob and discards all of it
// when any writer commits or deletes the blob, so of concurrent staged
// uploads to one name only the first to commit succeeds; the others' commits
// fail with InvalidBlockList (each upload stages under its own random block
// IDs, so no upload ever commits another's blocks). A body that can be read
// again (an *os.File, or any io.Seeker) is then staged again, after a random
// pause, up to 10 times: concurrent overwrites all succeed, the last commit
// wins. A stream that cannot be read again fails with an error matching
// storage.ErrChanged (storage.ErrExist for an exclusive write) and stores
// nothing: save it again.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) (string, error) {
	if opts.Public {
		return "", errPublic
	}
	so, err := d.saveOptions(opts.DriverOptions)
	if err != nil {
		return "", err
	}
	meta, err := encodeMetadata(opts.Metadata, d.cfg.StrictMetadataKeys)
	if err != nil {
		return "", err
	}
	u := &upload{d: d, opts: opts, meta: meta, headers: httpHeaders(opts), tags: so.Tags}
	if so.AccessTier != "" {
		t := so.AccessTier
		u.tier = &t
	}
	if f, ok := r.(*os.File); ok {
		if off, size, ok := fileRange(f); ok {
			return u.fromFile(ctx, name, f, off, size)
		}
	}
	seeker, rewind := r.(io.Seeker)
	var start int64
	if rewind {
		start, err = seeker.Seek(0, io.SeekCurrent)
		rewind = err == nil
	}
	for attempt := 1; ; attempt++ {
		stored, err := u.fromStream(ctx, name, r)
		var lost *lostBlocksError
		if !errors.As(err, &lost) {
			return stored, err
		}
		if !rewind || attempt == maxCommitAttempts {
			return "", u.lostRace(lost, rewind)
		}
		// The input can be read again: stage it anew, after a random
		// pause that lets the concurrent commits go through.
		if err := backoff(ctx, attempt); err != nil {
			return "", err
		}
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return "", err
		}
	}
}

// maxCommitAttempts bounds how many times one Write stages a body that can
// be read again (a file, an io.Seeker) after concurrent commits to the same
// name dropped its blocks.
const maxCommitAttempts = 10

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
// dropped and that cannot (or may no more) stage them again: for an
// exclusive write the name is taken (ErrExist, as for a conflict at
// commit); for an overwrite, storage.ErrChanged: nothing was stored, and
// saving again is safe.
func (u *upload) lostRace(lost *lostBlocksError, rewound bool) error {
	why := "a streamed body cannot be read again"
	if rewound {
		why = fmt.Sprintf("after %d attempts", maxCommitAttempts)
	}
	if u.opts.OnConflict != nil {
		if _, cerr := u.opts.OnConflict(lost.name); cerr != nil {
			return cerr
		}
		return &raceError{storage.ErrExist, lost, why}
	}
	return &raceError{storage.ErrChanged, lost, why + "; nothing was stored"}
}

// raceError is a lost race with its kind (matched by errors.Is, without
// repeating its text) and the service's error (reachable with errors.As).
type raceError struct {
	kind error
	lost *lostBlocksError
	why  string
}

func (e *raceError) Error() string   { return e.lost.Error() + " (" + e.why + ")" }
func (e *raceError) Unwrap() []error { return []error{e.kind, e.lost} }

// backoff sleeps a random time that grows with attempt, or until ctx is
// done.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(mrand.Int64N(int64(attempt) * int64(50*time.Millisecond)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

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

// fileRange returns the current offset and the remaining size of a regular
// file.
func fileRange(f *os.File) (off, size int64, ok bool) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0, 0, false
	}
	off, err = f.Seek(0, io.SeekCurrent)
	if err != nil || off > fi.Size() {
		return 0, 0, false
	}
	return off, fi.Size() - off, true
}

func (u *upload) conditions() *blob.AccessConditions {
	if u.opts.OnConflict == nil {
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

// putSingle stores a body that fits in one request, retrying a taken name
// under the one OnConflict returns. body returns a fresh reader each time.
func (u *upload) putSingle(ctx context.Context, name string, body func() io.ReadSeeker, md5sum []byte) (string, error) {
	h := *u.headers
	h.BlobContentMD5 = md5sum
	for {
		bb := u.d.cont.NewBlockBlobClient(name)
		start := time.Now()
		actx, tries := withAttempts(ctx)
		_, err := bb.Upload(actx, streaming.NopCloser(body()), &blockblob.UploadOptions{
			HTTPHeaders:      &h,
			Metadata:         u.meta,
			Tier:             u.tier,
			Tags:             u.tags,
			AccessConditions: u.conditions(),
		})
		if outcomeUnknown(ctx, err, tries) && u.d.putCommitted(ctx, name, body, md5sum, start) {
			return name, nil
		}
		if err == nil {
			return name, nil
		}
		if u.opts.OnConflict == nil || !isConflict(err) {
			return "", err
		}
		if name, err = u.opts.OnConflict(name); err != nil {
			return "", err
		}
	}
}

// claim replaces name, through OnConflict, while a blob has it. It is an
// optimisation for staged uploads (blocks cannot move to another name); the
// commit stays conditional.
func (u *upload) claim(ctx context.Context, name string) (string, error) {
	if u.opts.OnConflict == nil {
		return name, nil
	}
	for {
		_, err := u.d.cont.NewBlobClient(name).GetProperties(ctx, nil)
		if isNotFound(err) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		if name, err = u.opts.OnConflict(name); err != nil {
			return "", err
		}
	}
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

// fromFile uploads size bytes of f from off, reading sections of the file
// directly: no buffer, no copy.
func (u *upload) fromFile(ctx context.Context, name string, f *os.File, off, size int64) (string, error) {
	bs := u.blockSize(size)
	if size <= bs {
		var sum []byte
		if !u.d.cfg.DisableChecksums {
			h := md5.New()
			if _, err := io.Copy(h, io.NewSectionReader(f, off, size)); err != nil {
				return "", err
			}
			sum = h.Sum(nil)
		}
		if err := u.beforeCommit(); err != nil {
			return "", err
		}
		name, err := u.putSingle(ctx, name, func() io.ReadSeeker { return io.NewSectionReader(f, off, size) }, sum)
		if err == nil {
			_, _ = f.Seek(off+size, io.SeekStart)
		}
		return name, err
	}
	name, err := u.claim(ctx, name)
	if err != nil {
		return "", err
	}
	if err := u.beforeCommit(); err != nil {
		return "", err
	}
	// The CRC32C of the file, read once more beside the staging (from the
	// page cache, usually).
	var sum hash.Hash
	var sumErr error
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		if u.d.cfg.DisableChecksums {
			return
		}
		h := newCRC32C()
		if _, sumErr = io.Copy(h, io.NewSectionReader(f, off, size)); sumErr == nil {
			sum = h
		}
	}()
	attempt := 0
	for {
		ids, err := u.stageFile(ctx, name, f, off, size, bs)
		<-hashed
		if err != nil {
			return "", err
		}
		if sumErr != nil {
			return "", sumErr
		}
		err = u.commit(ctx, name, ids, sum)
		if err == nil {
			_, _ = f.Seek(off+size, io.SeekStart)
			return name, nil
		}
		if isLostBlocks(err) {
			// A concurrent commit dropped the staged blocks: stage the
			// file again (under the name, or the one OnConflict gives
			// if the other writer created it).
			lost := &lostBlocksError{name, err}
			if attempt++; attempt >= maxCommitAttempts {
				return "", u.lostRace(lost, true)
			}
			if err := backoff(ctx, attempt); err != nil {
				return "", err
			}
			if name, err = u.claim(ctx, name); err != nil {
				return "", err
			}
			continue
		}
		if u.opts.OnConflict == nil || !isConflict(err) {
			return "", err
		}
		if name, err = u.opts.OnConflict(name); err != nil {
			return "", err
		}
	}
}

func (u *upload) stageFile(ctx context.Context, name string, f *os.File, off, size, bs int64) ([]string, error) {
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
			_, err := bb.StageBlock(gctx, id, streaming.NopCloser(io.NewSectionReader(f, off+start, length)), nil)
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
func (u *upload) fromStream(ctx context.Context, name string, r io.Reader) (string, error) {
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
		return "", err
	}
	first, err := d.getBuffer(ctx)
	if err != nil {
		return "", err
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
	return "", err
}

// single stores the whole body, already in memory, with one request.
func (u *upload) single(ctx context.Context, name string, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := u.beforeCommit(); err != nil {
		return "", err
	}
	sum := md5.Sum(data)
	return u.putSingle(ctx, name, func() io.ReadSeeker { return bytes.NewReader(data) }, sum[:])
}

// staged uploads a stream of more than one block: first is the first block,
// already read (firstBuf is its pooled buffer, or nil), and r the rest.
func (u *upload) staged(ctx context.Context, name string, r io.Reader, first []byte, firstBuf *buffer) (string, error) {
	d := u.d
	name, err := u.claim(ctx, name)
	if err != nil {
		if firstBuf != nil {
			d.putBuffer(firstBuf)
		}
		return "", err
	}
	gen, err := newBlockIDs()
	if err != nil {
		if firstBuf != nil {
			d.putBuffer(firstBuf)
		}
		return "", err
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
		return "", readErr
	case stageErr != nil:
		return "", stageErr
	case readErr != nil:
		return "", readErr
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := u.beforeCommit(); err != nil {
		return "", err
	}
	err = u.commit(ctx, name, ids, h)
	if err == nil {
		return name, nil
	}
	if isLostBlocks(err) {
		return "", &lostBlocksError{name, err}
	}
	if u.opts.OnConflict == nil || !isConflict(err) {
		return "", err
	}
	if _, cerr := u.opts.OnConflict(name); cerr != nil {
		return "", cerr
	}
	return "", kindf(storage.ErrExist, "azure: %q was created by another writer during the upload, and a streamed body larger than one block cannot be committed under another name", name)
}
