package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/go-storages/storage/internal/backoff"
)

// DefaultSpoolLimit is how many bytes of a stream Save keeps for a replay
// unless [WithSpoolLimit] says otherwise.
const DefaultSpoolLimit = 64 << 20

// spoolMemory is how much of a spool stays in memory before it moves to a
// temporary file.
const spoolMemory = 64 << 10

// WithSpoolLimit sets how many bytes of a stream that cannot be read again
// (an input without io.Seeker, such as an HTTP request body) Save keeps, under
// the [Rename] policy, so that a save which loses the race for its name at
// commit (another writer created the name while the body was being sent) is
// sent again, in full, under a new name. The bytes are kept as they are read:
// the first 64 KiB in memory, the rest in a temporary file in os.TempDir()
// (removed when Save returns). A longer stream is not kept, and if it loses
// such a race the Save fails with an error matching ErrExist and stores
// nothing. 0 turns spooling off (every such lost race of a stream then fails
// that way); the default is DefaultSpoolLimit. Seekable inputs (an *os.File,
// a bytes.Reader) are rewound instead and need no spool, and a name already
// taken before the upload starts is found by a check first (for bodies of
// unknown size or of at least 1 MiB), so only a race needs the spool.
func WithSpoolLimit(n int64) Option {
	return func(s *Storage) error {
		if n < 0 {
			return errorf("new", "", ErrInvalidArgument, "negative spool limit")
		}
		s.spoolLimit = n
		return nil
	}
}

const (
	// maxRenames bounds the names Rename tries for one Save.
	maxRenames = 100
	// maxResends bounds how often one Save sends a body again to the same
	// name after a concurrent writer undid its write (ErrChanged).
	maxResends = 10
	// precheckMin: a body at least this large, or of unknown size, is not
	// sent to a name that a Stat finds taken (Fail and Rename).
	precheckMin = 1 << 20
)

// write sends in to name under policy, renaming and sending again as the
// policy needs, and returns the name it stored under.
func (s *Storage) write(ctx context.Context, op, name string, in *input, wo *WriteOptions, policy ConflictPolicy) (string, error) {
	defer in.close()
	wo.Exclusive = policy != Overwrite
	if policy == Rename {
		if rw, ok := s.drv.(RenamingWriter); ok {
			tries := 0
			final, err := rw.WriteRenaming(ctx, s.location+name, in.r, wo, func(taken string) (string, error) {
				if tries++; tries > maxRenames {
					return "", ErrExist
				}
				n, err := s.nextName(op, name, taken)
				if err != nil {
					return "", err
				}
				return s.location + n, nil // the driver's names carry the location
			})
			if !errors.Is(err, ErrUnsupported) || final != "" {
				if err != nil {
					return "", err
				}
				return strings.TrimPrefix(final, s.location), nil
			}
		}
	}
	if policy != Overwrite && (in.size < 0 || in.size >= precheckMin) {
		// Save a doomed upload: find a free name first. The write is still
		// exclusive, so a name taken in between is caught at commit.
		for tries := 0; ; tries++ {
			_, err := s.drv.Stat(ctx, s.location+name)
			if err != nil || tries == maxRenames {
				break // missing, or unknown (a write-only credential): let the commit decide
			}
			if policy == Fail {
				return "", errorf(op, name, ErrExist, "")
			}
			n, err := s.nextName(op, name, s.location+name)
			if err != nil {
				return "", err
			}
			name = n
		}
	}
	if policy == Rename {
		in.keep(s.spoolLimit)
	}
	renames, resends := 0, 0
	for {
		err := s.drv.Write(ctx, s.location+name, in.r, wo)
		if err == nil {
			return name, nil
		}
		err = s.wrap(ctx, op, name, err)
		// Taken at commit: Rename sends the body to a new name. Undone by
		// a concurrent commit (ErrChanged): send it again, after a random
		// pause that lets the other writers through.
		rename := policy == Rename && errors.Is(err, ErrExist) && renames < maxRenames
		resend := !rename && errors.Is(err, ErrChanged) && resends < maxResends && in.replayable()
		if policy == Fail && errors.Is(err, ErrExist) {
			// The same answer from every backend: the name is taken.
			return "", errorf(op, name, ErrExist, "")
		}
		if !rename && !resend || ctx.Err() != nil {
			return "", err
		}
		if rerr := in.rewind(); rerr != nil {
			kind := KindOf(err)
			var se *Error
			if errors.As(err, &se) && se.Err != nil {
				err = se.Err
			}
			return "", &Error{Op: op, Name: name, Kind: kind, Err: fmt.Errorf("%w; the body cannot be sent again: %w", err, rerr)}
		}
		if rename {
			renames++
			if name, err = s.nextName(op, name, s.location+name); err != nil {
				return "", err
			}
			continue
		}
		resends++
		if err := pause(ctx, resends); err != nil {
			return "", err
		}
	}
}

// nextName returns a new candidate (without the location) for taken (with
// it), or an error.
func (s *Storage) nextName(op, name, taken string) (string, error) {
	n, ok := availableName(strings.TrimPrefix(taken, s.location), s.maxName)
	if !ok {
		return "", errorf(op, name, ErrInvalidName, "no available name within the maximum name length")
	}
	return n, nil
}

// pause sleeps a random time that grows with attempt, or until ctx is done.
func pause(ctx context.Context, attempt int) error {
	return backoff.Sleep(ctx, time.Duration(rand.Int64N(int64(attempt)*int64(50*time.Millisecond))))
}

// input is the body of one Save, ready to be sent again: a seekable input is
// rewound, a stream is replayed from its spool.
type input struct {
	r      io.Reader // what the driver reads: the caller's reader when possible
	seeker io.Seeker // non-nil: r is rewound by seeking to start
	start  int64
	size   int64 // UnknownSize or the bytes r yields
	spool  *spool
	reopen func() (io.Reader, error) // non-nil: r is read again by reopening it (Copy's source)
	closer io.Closer                 // closed with the input, if set
}

// newInput prepares r for a driver: its size, its content type when
// contentType is empty (sniffed by reading and seeking back when r can
// seek, so the driver still gets r itself), and a verifier of the expected
// checksums that keeps r's io.ReaderAt and io.Seeker.
func newInput(name string, r io.Reader, size int64, contentType *string, sums Checksums) (*input, func() error, error) {
	in := &input{r: r, size: size}
	if sk, ok := r.(io.Seeker); ok {
		if start, end, ok := seekRange(sk); ok {
			in.seeker, in.start = sk, start
			if in.size == 0 {
				in.size = end - start
			}
		}
	}
	if in.size == 0 {
		in.size = UnknownSize
		if l, ok := r.(interface{ Len() int }); ok {
			in.size = int64(l.Len())
		}
	}
	if *contentType == "" {
		t, rr, err := detectContentType(name, in.r, in.seeker, in.start)
		if err != nil {
			return nil, nil, err
		}
		*contentType = t
		if in.seeker == nil {
			in.r = rr
			if br, ok := rr.(*bytes.Reader); ok {
				// The whole stream was in the sniffed head.
				in.seeker, in.start, in.size = br, 0, int64(br.Len())
			}
		}
	}
	var verify func() error
	if !sums.empty() {
		var end int64 = -1
		if in.seeker != nil && in.size >= 0 {
			end = in.start + in.size
		}
		in.r, verify = newVerifier(in.r, sums, in.start, end)
		if in.seeker != nil {
			in.seeker = in.r.(io.Seeker)
		}
	}
	return in, verify, nil
}

// seekRange returns the position of sk and its end, and moves it back to
// the position; ok is false when sk cannot seek (a pipe).
func seekRange(sk io.Seeker) (start, end int64, ok bool) {
	start, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, 0, false
	}
	end, err = sk.Seek(0, io.SeekEnd)
	if _, err2 := sk.Seek(start, io.SeekStart); err != nil || err2 != nil || end < start {
		return 0, 0, false
	}
	return start, end, true
}

// keep makes a stream replayable by spooling it, up to limit bytes.
func (in *input) keep(limit int64) {
	if in.seeker == nil && in.reopen == nil && limit > 0 {
		in.spool = &spool{src: in.r, limit: limit}
		in.r = in.spool
	}
}

func (in *input) replayable() bool {
	return in.seeker != nil || in.reopen != nil || in.spool != nil && in.spool.err == nil
}

// rewind makes r yield the whole body again.
func (in *input) rewind() error {
	switch {
	case in.seeker != nil:
		_, err := in.seeker.Seek(in.start, io.SeekStart)
		return err
	case in.reopen != nil:
		r, err := in.reopen()
		if err == nil {
			in.r = r
		}
		return err
	case in.spool != nil:
		r, err := in.spool.replay()
		if err == nil {
			in.r = r
		}
		return err
	}
	return errors.New("the body is a stream that cannot be read again (no io.Seeker); save it from a file or a bytes.Reader, or use WithSpoolLimit")
}

func (in *input) close() {
	if in.spool != nil {
		in.spool.close()
	}
	if in.closer != nil {
		in.closer.Close()
	}
}

// spool passes a stream through and keeps what was read, up to limit
// bytes, so that it can be read again from the start.
type spool struct {
	src   io.Reader
	limit int64
	mem   []byte
	file  *os.File
	n     int64 // bytes read from src (and kept, unless err is set)
	err   error // why the spool cannot replay
}

func (s *spool) Read(p []byte) (int, error) {
	n, err := s.src.Read(p)
	if n > 0 && s.err == nil {
		s.write(p[:n])
	}
	return n, err
}

func (s *spool) write(p []byte) {
	if s.n+int64(len(p)) > s.limit {
		s.drop(fmt.Errorf("the stream is longer than the spool limit of %d bytes (see WithSpoolLimit): save it from a file or a bytes.Reader, or raise the limit", s.limit))
		return
	}
	if s.file == nil && s.n+int64(len(p)) <= spoolMemory {
		s.mem = append(s.mem, p...)
		s.n += int64(len(p))
		return
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "storage-spool-*")
		if err != nil {
			s.drop(fmt.Errorf("spooling the stream: %w", err))
			return
		}
		s.file = f
		if _, err := f.Write(s.mem); err != nil {
			s.drop(fmt.Errorf("spooling the stream: %w", err))
			return
		}
		s.mem = nil
	}
	if _, err := s.file.WriteAt(p, s.n); err != nil {
		s.drop(fmt.Errorf("spooling the stream: %w", err))
		return
	}
	s.n += int64(len(p))
}

func (s *spool) drop(err error) {
	s.err = err
	s.mem = nil
	s.close()
}

// replay returns a reader of everything read so far, then of the rest of
// the stream (still kept).
func (s *spool) replay() (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	var kept io.Reader
	if s.file != nil {
		kept = io.NewSectionReader(s.file, 0, s.n)
	} else {
		kept = bytes.NewReader(s.mem[:s.n:s.n]) // later appends do not touch it
	}
	return io.MultiReader(kept, s), nil
}

func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}

// ReaderAtOf returns r as an io.ReaderAt, with r's position and the bytes
// from there to its end, when r is both an io.ReaderAt and an io.Seeker that
// can seek (an *os.File of a regular file, a bytes.Reader, the reader Save
// passes when it verifies such an input): a driver can then send the body
// in parts read at offsets, in parallel, without copying it into buffers.
func ReaderAtOf(r io.Reader) (ra io.ReaderAt, off, size int64, ok bool) {
	ra, ok = r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil, 0, 0, false
	}
	start, end, ok := seekRange(sk)
	if !ok {
		return nil, 0, 0, false
	}
	return ra, start, end - start, true
}
