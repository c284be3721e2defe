package soak

import (
	"encoding/binary"
	"errors"
	"io"
)

// A version is one content a Save wrote: size bytes generated from id, so
// any range of it can be regenerated without keeping it.
type version struct {
	id     uint64
	size   int64
	absent bool // "no object"
	failed bool // written by a Save that returned an error
	// unknown: an object the oracle did not expect (an orphan), adopted
	// with its listed size; any bytes of that size match it.
	unknown bool
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// fill writes the bytes of content id from offset off into p.
func fill(id uint64, off int64, p []byte) {
	var w [8]byte
	for len(p) > 0 {
		word := off / 8
		binary.LittleEndian.PutUint64(w[:], splitmix(id^uint64(word)*0x2545f4914f6cdd1d))
		n := copy(p, w[off%8:])
		p = p[n:]
		off += int64(n)
	}
}

// gen is a reader of a version's bytes. It is deliberately only an
// io.Reader (no Seek, no Len) unless wrapped: the driver sees a stream.
type gen struct {
	id       uint64
	off, end int64
}

func (g *gen) Read(p []byte) (int, error) {
	if g.off >= g.end {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.end-g.off)]
	fill(g.id, g.off, p)
	g.off += int64(len(p))
	return len(p), nil
}

// matcher is an io.Writer that checks what is written against candidate
// versions, dropping those that differ; it never buffers the content.
type matcher struct {
	cands []version
	alive []bool
	pos   int64
	buf   []byte
}

func newMatcher(cands []version, off int64) *matcher {
	m := &matcher{cands: cands, alive: make([]bool, len(cands)), pos: off}
	for i, c := range cands {
		m.alive[i] = !c.absent
	}
	return m
}

var errNoCandidate = errors.New("bytes match no version the oracle allows")

func (m *matcher) Write(p []byte) (int, error) {
	if cap(m.buf) < len(p) {
		m.buf = make([]byte, len(p))
	}
	b := m.buf[:len(p)]
	any := false
	for i, c := range m.cands {
		if !m.alive[i] {
			continue
		}
		if m.pos+int64(len(p)) > c.size {
			m.alive[i] = false
			continue
		}
		if c.unknown {
			any = true
			continue
		}
		fill(c.id, m.pos, b)
		if string(b) != string(p) {
			m.alive[i] = false
			continue
		}
		any = true
	}
	m.pos += int64(len(p))
	if !any {
		return 0, errNoCandidate
	}
	return len(p), nil
}

// match returns the candidates consistent with a read that ended at pos,
// where end(c) is where the read should have stopped for candidate c.
func (m *matcher) match(end func(version) int64) []version {
	var out []version
	for i, c := range m.cands {
		if m.alive[i] && end(c) == m.pos {
			out = append(out, c)
		}
	}
	return out
}
