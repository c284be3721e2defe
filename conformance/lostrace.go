package conformance

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/go-storages/storage"
	"github.com/go-storages/storage/internal/driverof"
)

// rival is an input that, once half of it was read, has another writer
// create name (with Overwrite), so that a conditional create of name loses
// the race at commit, after the existence check Save makes first. It is a
// stream (Read only) unless seekable, then also an io.Seeker and
// io.ReaderAt, as a file is.
type rival struct {
	r     *bytes.Reader
	half  int64
	fire  func() error
	once  sync.Once
	err   error
	fired bool
	mu    sync.Mutex
}

func newRival(t T, st *storage.Storage, ctx context.Context, name string, data, theirs []byte) *rival {
	rv := &rival{r: bytes.NewReader(data), half: int64(len(data) / 2)}
	rv.fire = func() error {
		_, err := st.Save(context.WithoutCancel(ctx), name, bytes.NewReader(theirs), storage.SaveOptions{Conflict: storage.Overwrite})
		if err == nil {
			track(t, st, name)
		}
		return err
	}
	return rv
}

// reached fires the rival once, before the read of n bytes at off that
// reaches past half of the input.
func (rv *rival) reached(off int64, n int) error {
	if off+int64(n) <= rv.half {
		return nil
	}
	rv.once.Do(func() {
		rv.err = rv.fire()
		rv.mu.Lock()
		rv.fired = true
		rv.mu.Unlock()
	})
	return rv.err
}

func (rv *rival) Read(p []byte) (int, error) {
	pos, _ := rv.r.Seek(0, io.SeekCurrent)
	if err := rv.reached(pos, len(p)); err != nil {
		return 0, err
	}
	return rv.r.Read(p)
}

func (rv *rival) didFire() bool {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return rv.fired
}

type seekableRival struct{ *rival }

func (rv seekableRival) Seek(off int64, whence int) (int64, error) { return rv.r.Seek(off, whence) }

func (rv seekableRival) ReadAt(p []byte, off int64) (int, error) {
	if err := rv.reached(off, len(p)); err != nil {
		return 0, err
	}
	return rv.r.ReadAt(p, off)
}

// lostRaceCases: a Save whose name another writer takes while its body is
// being sent (after Save found the name free) must, under Rename, send the
// whole body again under a new name, on every driver, for a stream (from
// Save's spool) and for a seekable input (rewound); under Fail it fails with
// ErrExist; and a stream longer than the spool limit fails with ErrExist.
// Nothing but the rival's object and the renamed one may be left.
func lostRaceCases() []testCase {
	renamed := func(seekable bool, size int) func(T, *suite) {
		return func(t T, s *suite) {
			need(t, s.caps.ConditionalCreate, "ConditionalCreate")
			st, ctx := s.fresh(t)
			data, theirs := content("lost-race", size), []byte("the rival's object")
			rv := newRival(t, st, ctx, "lost/race.bin", data, theirs)
			var r io.Reader = rv
			if seekable {
				r = seekableRival{rv}
			}
			got, err := save(t, st, ctx, "lost/race.bin", r, storage.SaveOptions{Conflict: storage.Rename})
			if !rv.didFire() {
				t.Fatalf("the rival did not write (Save: %q, %v)", got, err)
			}
			if err != nil {
				t.Fatalf("Save(Rename) that lost the race for its name: %v, want it saved under a new name", err)
			}
			if !renamedLike("lost/", "race", ".bin").MatchString(got) {
				t.Fatalf("Save(Rename) that lost the race stored %q, want lost/race_XXXXXXX.bin", got)
			}
			expectBytes(t, st, "lost/race.bin", theirs)
			expectBytes(t, st, got, data)
			expectNamespace(t, st, "lost/race.bin", got)
		}
	}
	return []testCase{
		{"rename-lost-race-stream-small", renamed(false, 10<<10)},
		{"rename-lost-race-stream-large", renamed(false, 9<<20)},
		{"rename-lost-race-seekable-small", renamed(true, 10<<10)},
		{"rename-lost-race-seekable-large", renamed(true, 9<<20)},
		{"fail-lost-race-stream", func(t T, s *suite) {
			need(t, s.caps.ConditionalCreate, "ConditionalCreate")
			st, ctx := s.fresh(t)
			theirs := []byte("the rival's object")
			rv := newRival(t, st, ctx, "lost/fail.bin", content("lost-fail", 2<<20), theirs)
			_, err := save(t, st, ctx, "lost/fail.bin", rv, storage.SaveOptions{Conflict: storage.Fail})
			expectErr(t, "Save(Fail) that lost the race for its name", err, storage.ErrExist)
			expectBytes(t, st, "lost/fail.bin", theirs)
			expectNamespace(t, st, "lost/fail.bin")
		}},
		{"rename-lost-race-beyond-spool-limit", func(t T, s *suite) {
			need(t, s.caps.ConditionalCreate, "ConditionalCreate")
			st, ctx := s.fresh(t)
			dir := uniq(t)
			o := over(t, st, storage.WithSpoolLimit(64<<10))
			theirs := []byte("the rival's object")
			rv := newRival(t, o, ctx, dir+"big.bin", content("lost-spool", 200<<10), theirs)
			got, err := save(t, o, ctx, dir+"big.bin", rv, storage.SaveOptions{Conflict: storage.Rename})
			if driverof.Get(st) != nil {
				if _, ok := driverof.Get(st).(storage.RenamingWriter); ok && err == nil {
					// The driver commits its copy under a new name
					// itself: no spool is needed.
					expectBytes(t, o, got, content("lost-spool", 200<<10))
					expectBytes(t, o, dir+"big.bin", theirs)
					return
				}
			}
			expectErr(t, "Save(Rename) of a stream beyond the spool limit that lost the race", err, storage.ErrExist)
			expectBytes(t, o, dir+"big.bin", theirs)
			expectList(t, o, dir, storage.ListOptions{}, []string{dir + "big.bin"})
		}},
	}
}
