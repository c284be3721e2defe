package storage

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io"
)

// readCheck verifies a whole read of an object against the checksum of the
// whole object that the driver reported with the body (Attributes.Checksums
// of [Driver.Read]): the cheapest one of CRC32C, MD5 and SHA-256. It hashes
// the bytes as they are read in sequence from offset 0 (through Read,
// WriteTo, or a driver's parallel download behind WriteTo) and, when the
// last byte was read, compares: a mismatch is ErrChecksum, returned with the
// last bytes instead of io.EOF. Reads that leave the sequence (after a Seek
// elsewhere) are not verified; ReadAt never moves it.
type readCheck struct {
	kind string
	want []byte
	h    hash.Hash
	size int64
	n    int64 // bytes hashed, from offset 0
	done bool
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// newReadCheck returns the check for a body of the whole object described
// by a, or nil when a carries no checksum.
func newReadCheck(a *Attributes) *readCheck {
	if a == nil || a.Size < 0 {
		return nil
	}
	c := &readCheck{size: a.Size}
	switch sums := a.Checksums; {
	case len(sums.CRC32C) == crc32.Size:
		c.kind, c.want, c.h = "CRC32C", sums.CRC32C, crc32.New(castagnoli)
	case len(sums.MD5) == md5.Size:
		c.kind, c.want, c.h = "MD5", sums.MD5, md5.New()
	case len(sums.SHA256) == sha256.Size:
		c.kind, c.want, c.h = "SHA-256", sums.SHA256, sha256.New()
	default:
		return nil
	}
	return c
}

// inSequence reports whether bytes read at off continue the verified
// sequence (a read from offset 0 starts it again).
func (c *readCheck) inSequence(off int64) bool {
	if c == nil || c.done && off != 0 {
		return false
	}
	if off == 0 && c.n != 0 {
		c.h.Reset()
		c.n, c.done = 0, false
	}
	return off == c.n
}

// add hashes p, read at off, and returns a mismatch once the whole object
// was hashed.
func (c *readCheck) add(off int64, p []byte) error {
	if !c.inSequence(off) {
		return nil
	}
	c.h.Write(p)
	c.n += int64(len(p))
	return c.finish()
}

// finish compares the sums once every byte was hashed.
func (c *readCheck) finish() error {
	if c.done || c.n < c.size {
		return nil
	}
	c.done = true
	if got := c.h.Sum(nil); !bytes.Equal(got, c.want) {
		return &checksumError{kind: c.kind, want: c.want, got: got}
	}
	return nil
}

// writer returns w hashing what it accepts, for a WriteTo from off, or w
// itself when off is not in sequence.
func (c *readCheck) writer(off int64, w io.Writer) (io.Writer, bool) {
	if !c.inSequence(off) {
		return w, false
	}
	return hashingWriter{w, c}, true
}

type hashingWriter struct {
	w io.Writer
	c *readCheck
}

func (hw hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.c.h.Write(p[:n])
	hw.c.n += int64(n)
	return n, err
}

// changedOrCorrupt tells a checksum mismatch caused by a replacement from
// corruption. A backend that reads an object's attributes and its bytes
// apart (the gocloud bridge: fileblob keeps them in two files, and writes
// the new attributes before the new bytes) can describe one version and
// deliver another while the object is being replaced. So on a mismatch the
// object is looked at again: if its checksum is no longer the one Open
// reported (or it is gone), it changed meanwhile, which is ErrChanged;
// if it is still that checksum, the bytes are corrupt: ErrChecksum.
func (s *Storage) changedOrCorrupt(ctx context.Context, name string, ce *checksumError) error {
	changed := func(why string) error {
		return &Error{Op: "read", Name: name, Kind: ErrChanged, Err: errors.New(
			"the bytes read do not match the " + ce.kind + " of Open, and the object " + why + " since")}
	}
	a, err := s.drv.Stat(ctx, s.location+name)
	if err != nil {
		if DriverKind(s.drv, err) == ErrNotExist {
			return changed("was deleted")
		}
		return ce
	}
	var now []byte
	switch ce.kind {
	case "CRC32C":
		now = a.Checksums.CRC32C
	case "MD5":
		now = a.Checksums.MD5
	case "SHA-256":
		now = a.Checksums.SHA256
	}
	if !bytes.Equal(now, ce.want) {
		return changed("was replaced")
	}
	return ce
}

// checksumError: the bytes read do not match the object's checksum.
type checksumError struct {
	kind      string
	want, got []byte
}

func (e *checksumError) Error() string {
	return "the bytes read do not match the object's " + e.kind + " " + hex.EncodeToString(e.want) +
		" (computed " + hex.EncodeToString(e.got) + "): corrupted in transit or at rest"
}

func (e *checksumError) Is(target error) bool { return target == ErrChecksum }
