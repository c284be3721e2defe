package s3

import (
	"context"
	"errors"
	"io"
	"sync"
)

// randomAccessMax is the largest object whose reader seeks and reads at
// offsets in memory: the first Seek away from the stream or ReadAt fetches
// the whole object once (pinned to its ETag), so a reader that jumps around
// (an image header, a zip directory) costs one more request, not one per
// jump. Larger objects seek and ReadAt with ranged GETs.
const randomAccessMax = 1 << 20

// smallBody is the body of a whole-object read of a small object. It
// streams until random access is needed.
type smallBody struct {
	mu   sync.Mutex // ReadAt may run concurrently with itself and Read
	d    *Driver
	ctx  context.Context
	name string
	etag string
	size int64
	rc   io.ReadCloser // the open stream while data is nil
	rpos int64         // position of rc
	pos  int64         // logical position
	data []byte        // the whole object, once loaded
}

func (b *smallBody) load() error {
	if b.data != nil {
		return nil
	}
	buf := make([]byte, b.size)
	var err error
	if b.rc != nil && b.rpos == 0 {
		_, err = io.ReadFull(b.rc, buf)
	} else {
		var rc io.ReadCloser
		if rc, err = b.d.getRange(b.ctx, b.name, b.etag, 0, b.size); err == nil {
			_, err = io.ReadFull(rc, buf)
			rc.Close()
		}
	}
	if b.rc != nil {
		b.rc.Close()
		b.rc = nil
	}
	if err != nil {
		return err
	}
	b.data = buf
	return nil
}

func (b *smallBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pos >= b.size {
		return 0, io.EOF
	}
	if b.data == nil && b.rc != nil && b.rpos == b.pos {
		n, err := b.rc.Read(p)
		b.rpos += int64(n)
		b.pos += int64(n)
		if err == io.EOF && b.pos < b.size {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	if err := b.load(); err != nil {
		return 0, err
	}
	n := copy(p, b.data[b.pos:])
	b.pos += int64(n)
	return n, nil
}

func (b *smallBody) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("s3: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	b.mu.Lock()
	err := b.load()
	data := b.data
	b.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n := copy(p, data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (b *smallBody) Seek(offset int64, whence int) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.pos
	case io.SeekEnd:
		offset += b.size
	default:
		return b.pos, errors.New("s3: invalid whence")
	}
	if offset < 0 {
		return b.pos, errors.New("s3: negative position")
	}
	b.pos = offset
	return offset, nil
}

func (b *smallBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.data = nil
	if b.rc != nil {
		err := b.rc.Close()
		b.rc = nil
		return err
	}
	return nil
}
