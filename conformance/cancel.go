package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/go-storages/storage"
)

// stallReader yields head, then blocks until ctx is done and returns its
// error. started is closed when it blocks.
type stallReader struct {
	ctx     context.Context
	head    *bytes.Reader
	started chan struct{}
	once    bool
}

func (r *stallReader) Read(p []byte) (int, error) {
	if r.head.Len() > 0 {
		return r.head.Read(p)
	}
	if !r.once {
		r.once = true
		close(r.started)
	}
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// failReader yields head, then fails with err.
type failReader struct {
	head *bytes.Reader
	err  error
}

func (r *failReader) Read(p []byte) (int, error) {
	if r.head.Len() > 0 {
		return r.head.Read(p)
	}
	return 0, r.err
}

var errMidway = errors.New("conformance: reader failed midway")

func cancelCases() []testCase {
	// interrupted saves over an existing object (or a new name) with a
	// reader that stalls until the context is cancelled, and checks that
	// nothing changed and nothing partial is visible.
	stalled := func(policy storage.ConflictPolicy, headSize int, existing bool) func(T, *suite) {
		return func(t T, s *suite) {
			st, _ := s.fresh(t)
			if existing {
				put(t, st, "doc.bin", []byte("previous version"), storage.SaveOptions{})
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			r := &stallReader{ctx: ctx, head: bytes.NewReader(content("partial", headSize)), started: make(chan struct{})}
			go func() {
				select {
				case <-r.started:
				case <-t.Context().Done():
				}
				cancel()
			}()
			_, err := save(t, st, ctx, "doc.bin", r, storage.SaveOptions{Conflict: policy, ContentType: "application/octet-stream"})
			if err == nil {
				t.Fatal("Save succeeded although its context was cancelled mid-write")
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Save error %v does not match context.Canceled", err)
			}
			if existing {
				expectBytes(t, st, "doc.bin", []byte("previous version"))
				expectNamespace(t, st, "doc.bin")
			} else {
				expectMissing(t, st, "doc.bin")
				expectNamespace(t, st)
			}
		}
	}
	failing := func(policy storage.ConflictPolicy, headSize int, existing bool) func(T, *suite) {
		return func(t T, s *suite) {
			st, ctx := s.fresh(t)
			if existing {
				put(t, st, "doc.bin", []byte("previous version"), storage.SaveOptions{})
			}
			r := &failReader{head: bytes.NewReader(content("partial", headSize)), err: errMidway}
			_, err := save(t, st, ctx, "doc.bin", r, storage.SaveOptions{Conflict: policy, ContentType: "application/octet-stream"})
			if !errors.Is(err, errMidway) {
				t.Fatalf("Save error %v does not wrap the reader's error", err)
			}
			if existing {
				expectBytes(t, st, "doc.bin", []byte("previous version"))
				expectNamespace(t, st, "doc.bin")
			} else {
				expectNamespace(t, st)
			}
		}
	}
	precancelled := func(call func(ctx context.Context, st *storage.Storage) error) func(T, *suite) {
		return func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "here.txt", []byte("here"), storage.SaveOptions{})
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := call(ctx, st); !errors.Is(err, context.Canceled) {
				t.Fatalf("with a cancelled context: %v, want context.Canceled", err)
			}
			expectBytes(t, st, "here.txt", []byte("here"))
			expectNamespace(t, st, "here.txt")
		}
	}
	return []testCase{
		{"mid-write-overwrite", stalled(storage.Overwrite, 70_000, true)},
		{"mid-write-rename", stalled(storage.Rename, 70_000, true)},
		{"mid-write-new-name", stalled(storage.Fail, 70_000, false)},
		{"mid-write-multi-megabyte", stalled(storage.Overwrite, 12<<20, true)},
		{"mid-write-before-first-byte", stalled(storage.Overwrite, 0, true)},
		{"stops-reading-stream", cancelStopsInput(false)},
		{"stops-reading-seekable", cancelStopsInput(true)},
		{"reader-error-overwrite", failing(storage.Overwrite, 70_000, true)},
		{"reader-error-new-name", failing(storage.Rename, 70_000, false)},
		{"reader-error-multi-megabyte", failing(storage.Overwrite, 12<<20, true)},
		{"reader-error-immediately", failing(storage.Overwrite, 0, true)},
		{"checksum-mismatch-multi-megabyte", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "doc.bin", []byte("previous version"), storage.SaveOptions{})
			big := content("mismatch", 12<<20)
			_, err := save(t, st, ctx, "doc.bin", onlyReader{bytes.NewReader(big)}, storage.SaveOptions{
				Conflict: storage.Overwrite, Checksums: storage.Checksums{SHA256: make([]byte, 32)},
			})
			expectErr(t, "Save with a wrong SHA-256", err, storage.ErrChecksum)
			expectBytes(t, st, "doc.bin", []byte("previous version"))
			expectNamespace(t, st, "doc.bin")
		}},
		{"deadline-exceeded", func(t T, s *suite) {
			st, _ := s.fresh(t)
			ctx, cancel := context.WithDeadline(t.Context(), time.Unix(1, 0))
			defer cancel()
			_, err := st.Stat(ctx, "x")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Stat with an expired deadline: %v", err)
			}
		}},
		{"precancelled-save", precancelled(func(ctx context.Context, st *storage.Storage) error {
			_, err := st.Save(ctx, "here.txt", bytes.NewReader([]byte("new")), storage.SaveOptions{Conflict: storage.Overwrite})
			return err
		})},
		{"precancelled-open", precancelled(func(ctx context.Context, st *storage.Storage) error {
			_, err := st.Open(ctx, "here.txt")
			return err
		})},
		{"precancelled-stat", precancelled(func(ctx context.Context, st *storage.Storage) error {
			_, err := st.Stat(ctx, "here.txt")
			return err
		})},
		{"precancelled-exists", precancelled(func(ctx context.Context, st *storage.Storage) error {
			_, err := st.Exists(ctx, "here.txt")
			return err
		})},
		{"precancelled-delete", precancelled(func(ctx context.Context, st *storage.Storage) error {
			return st.Delete(ctx, "here.txt")
		})},
		{"precancelled-copy", precancelled(func(ctx context.Context, st *storage.Storage) error {
			return copyOver(ctx, st, "here.txt", "here.txt")
		})},
		{"precancelled-list", precancelled(func(ctx context.Context, st *storage.Storage) error {
			for _, err := range st.List(ctx, "", storage.ListOptions{}) {
				if err != nil {
					return err
				}
			}
			return nil
		})},
		{"precancelled-read-range", precancelled(func(ctx context.Context, st *storage.Storage) error {
			_, err := st.ReadRange(ctx, "here.txt", 0, 2)
			return err
		})},
		{"cancel-during-read", func(t T, s *suite) {
			st, _ := s.fresh(t)
			data := content("read-cancel", 3<<20)
			put(t, st, "long.bin", data, storage.SaveOptions{})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			r, err := st.Open(ctx, "long.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			cancel()
			buf := make([]byte, 32<<10)
			for err == nil {
				_, err = r.Read(buf)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("reading after cancel: %v, want context.Canceled", err)
			}
		}},
		{"cancel-during-read-at", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "ra.bin", content("ra", 10_000), storage.SaveOptions{})
			ctx, cancel := context.WithCancel(t.Context())
			r, err := st.Open(ctx, "ra.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			cancel()
			if _, err := r.ReadAt(make([]byte, 10), 100); !errors.Is(err, context.Canceled) {
				t.Fatalf("ReadAt after cancel: %v, want context.Canceled", err)
			}
		}},
	}
}
