package conformance

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/go-storages/storage"
)

// expectOpError fails unless err is a *storage.Error for op and name whose
// message names both.
func expectOpError(t T, err error, op, name string) {
	t.Helper()
	var se *storage.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *storage.Error", err, err)
	}
	if se.Op != op || se.Name != name {
		t.Fatalf("Error{Op: %q, Name: %q}, want Op %q, Name %q", se.Op, se.Name, op, name)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "storage: ") || !strings.Contains(msg, op) || !strings.Contains(msg, name) {
		t.Fatalf("message %q does not name the op %q and the name %q", msg, op, name)
	}
}

func errorCases() []testCase {
	missing := func(op string, call func(*storage.Storage, T) error) func(T, *suite) {
		return func(t T, s *suite) {
			st, _ := s.fresh(t)
			err := call(st, t)
			expectErr(t, op+" of a missing object", err, storage.ErrNotExist, fs.ErrNotExist)
			expectOpError(t, err, op, "missing/object.txt")
			if storage.KindOf(err) != storage.ErrNotExist {
				t.Fatalf("KindOf = %v", storage.KindOf(err))
			}
			if errors.Is(err, storage.ErrExist) || errors.Is(err, storage.ErrPermission) {
				t.Fatalf("%v matches other kinds too", err)
			}
		}
	}
	return []testCase{
		{"not-exist-open", missing("open", func(st *storage.Storage, t T) error {
			_, err := st.Open(t.Context(), "missing/object.txt")
			return err
		})},
		{"not-exist-stat", missing("stat", func(st *storage.Storage, t T) error {
			_, err := st.Stat(t.Context(), "missing/object.txt")
			return err
		})},
		{"not-exist-read-range", missing("readrange", func(st *storage.Storage, t T) error {
			_, err := st.ReadRange(t.Context(), "missing/object.txt", 10, 10)
			return err
		})},
		{"not-exist-copy", missing("copy", func(st *storage.Storage, t T) error {
			return copyOver(t.Context(), st, "dst.txt", "missing/object.txt")
		})},
		{"exist", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "there.txt", []byte("x"), storage.SaveOptions{})
			_, err := save(t, st, ctx, "there.txt", strings.NewReader("y"), storage.SaveOptions{Conflict: storage.Fail})
			expectErr(t, "Save(Fail)", err, storage.ErrExist, fs.ErrExist)
			expectOpError(t, err, "save", "there.txt")
			if storage.KindOf(err) != storage.ErrExist {
				t.Fatalf("KindOf = %v", storage.KindOf(err))
			}
		}},
		{"invalid-name", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := st.Stat(ctx, "../escape")
			expectErr(t, "Stat(../escape)", err, storage.ErrInvalidName, fs.ErrInvalid)
			expectOpError(t, err, "stat", "../escape")
		}},
		{"checksum", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := save(t, st, ctx, "c.txt", strings.NewReader("x"), storage.SaveOptions{Checksums: storage.Checksums{MD5: make([]byte, 16)}})
			expectErr(t, "Save with a wrong MD5", err, storage.ErrChecksum)
			expectOpError(t, err, "save", "c.txt")
		}},
		{"unsupported-matches-errors-unsupported", func(t T, s *suite) {
			st, _ := s.fresh(t)
			_, err := over(t, st).URL("x.txt")
			expectErr(t, "URL without base", err, storage.ErrUnsupported, errors.ErrUnsupported)
		}},
		{"message-is-printable", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := st.Stat(ctx, "bad\x00name\n")
			if err == nil || strings.ContainsAny(err.Error(), "\x00\n") {
				t.Fatalf("error message %q carries control characters", err)
			}
		}},
		{"sentinels-distinct", func(t T, s *suite) {
			ks := []error{storage.ErrNotExist, storage.ErrExist, storage.ErrInvalidName, storage.ErrPermission,
				storage.ErrUnsupported, storage.ErrChecksum, storage.ErrInvalidArgument, storage.ErrBucketNotExist, storage.ErrChanged}
			for i, a := range ks {
				for j, b := range ks {
					if i != j && errors.Is(a, b) {
						t.Fatalf("%v matches %v", a, b)
					}
				}
			}
		}},
	}
}
