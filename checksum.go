package storage

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"hash"
	"hash/crc32"
	"io"
	"sync"
)

// verifier hashes the bytes of a Save's input as the driver reads them and
// checks them against the expected checksums before the commit
// (WriteOptions.BeforeCommit). It keeps the input's io.Seeker and
// io.ReaderAt (see newVerifier), so a driver can still read a file at
// offsets, in parallel parts. The hashes are sequential: every byte read in
// order (by Read, or by ReadAt at the offset hashed up to) is hashed as it
// goes by; bytes read ahead of that offset (a later part read in parallel)
// are hashed at the commit, read once more from the input, and bytes read a
// second time (a retried part, a rewound input) are not hashed again.
type verifier struct {
	r    io.Reader
	ra   io.ReaderAt // nil unless r has it
	sk   io.Seeker   // nil unless r has it
	want [][]byte
	hs   []hash.Hash

	mu   sync.Mutex
	pos  int64 // offset of r's next Read
	next int64 // offset of the first byte not hashed yet
	end  int64 // offset of the input's end when known (seekable), else -1
}

// newVerifier returns a reader over r that hashes what is read, with r's
// Seek and ReadAt when r has them, and the function that checks the sums.
// start is r's position, end the offset of its end (-1: a stream).
func newVerifier(r io.Reader, want Checksums, start, end int64) (io.Reader, func() error) {
	v := &verifier{r: r, pos: start, next: start, end: end}
	add := func(h hash.Hash, sum []byte) {
		if sum != nil {
			v.hs = append(v.hs, h)
			v.want = append(v.want, sum)
		}
	}
	add(md5.New(), want.MD5)
	add(sha256.New(), want.SHA256)
	add(crc32.New(crc32.MakeTable(crc32.Castagnoli)), want.CRC32C)
	sk, seeks := r.(io.Seeker)
	ra, readsAt := r.(io.ReaderAt)
	switch {
	case seeks && readsAt && end >= 0:
		v.sk, v.ra = sk, ra
		return verifyReaderAt{v}, v.verify
	case seeks && end >= 0:
		v.sk = sk
		return verifySeeker{v}, v.verify
	}
	return v, v.verify
}

// hashAt hashes p, read at offset off, where it continues the bytes hashed
// so far. Called with mu held.
func (v *verifier) hashAt(p []byte, off int64) {
	if off <= v.next && v.next < off+int64(len(p)) {
		for _, h := range v.hs {
			h.Write(p[v.next-off:])
		}
		v.next = off + int64(len(p))
	}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.mu.Lock()
	v.hashAt(p[:n], v.pos)
	v.pos += int64(n)
	v.mu.Unlock()
	return n, err
}

// verify hashes what was not read in order (when the input can be read
// again) and compares the sums.
func (v *verifier) verify() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.end >= 0 && v.next < v.end {
		if err := v.hashRest(); err != nil {
			return err
		}
	}
	for i, h := range v.hs {
		if !bytes.Equal(h.Sum(nil), v.want[i]) {
			return ErrChecksum
		}
	}
	return nil
}

// hashRest reads and hashes the input from next to its end. Called with mu
// held.
func (v *verifier) hashRest() error {
	read := func(p []byte, off int64) (int, error) { return v.ra.ReadAt(p, off) }
	if v.ra == nil {
		// Seek there and back: the driver is not reading now (it asked
		// for the verification).
		if _, err := v.sk.Seek(v.next, io.SeekStart); err != nil {
			return err
		}
		defer v.sk.Seek(v.pos, io.SeekStart)
		read = func(p []byte, _ int64) (int, error) { return io.ReadFull(v.r, p) }
	}
	buf := make([]byte, 256<<10)
	for v.next < v.end {
		n, err := read(buf[:min(int64(len(buf)), v.end-v.next)], v.next)
		v.hashAt(buf[:n], v.next)
		if v.next < v.end && err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

type verifySeeker struct{ *verifier }

func (v verifySeeker) Seek(offset int64, whence int) (int64, error) {
	n, err := v.sk.Seek(offset, whence)
	if err == nil {
		v.mu.Lock()
		v.pos = n
		v.mu.Unlock()
	}
	return n, err
}

type verifyReaderAt struct{ *verifier }

func (v verifyReaderAt) Seek(offset int64, whence int) (int64, error) {
	return verifySeeker(v).Seek(offset, whence)
}

func (v verifyReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := v.ra.ReadAt(p, off)
	v.mu.Lock()
	v.hashAt(p[:n], off)
	v.mu.Unlock()
	return n, err
}
