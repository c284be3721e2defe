package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/go-storages/storage"
)

// bucketOp is one operation the bucket cases run against a storage that
// cannot reach its objects (missing bucket, wrong credential).
type bucketOp struct {
	name string
	// call runs the operation; noIO reports that it succeeded without
	// reaching the backend (a signed URL computed locally), which is allowed.
	call func(ctx context.Context, st *storage.Storage) (err error, noIO bool)
}

func bucketOps() []bucketOp {
	const obj = "bucket-case/object.txt"
	save := func(r func() io.Reader, p storage.ConflictPolicy) func(context.Context, *storage.Storage) (error, bool) {
		return func(ctx context.Context, st *storage.Storage) (error, bool) {
			got, err := st.Save(ctx, obj, r(), storage.SaveOptions{Conflict: p})
			if err == nil {
				// Stored after all: remove it so the case leaves nothing.
				_ = st.Delete(context.Background(), got)
			}
			return err, false
		}
	}
	small := func() io.Reader { return bytes.NewReader([]byte("bucket case")) }
	stream := func() io.Reader { return io.MultiReader(strings.NewReader("size "), strings.NewReader("unknown")) }
	list := func(opts storage.ListOptions) func(context.Context, *storage.Storage) (error, bool) {
		return func(ctx context.Context, st *storage.Storage) (error, bool) {
			for _, err := range st.List(ctx, "bucket-case/", opts) {
				return err, false
			}
			return nil, false // an empty listing without an error
		}
	}
	return []bucketOp{
		{"stat", func(ctx context.Context, st *storage.Storage) (error, bool) {
			_, err := st.Stat(ctx, obj)
			return err, false
		}},
		{"exists", func(ctx context.Context, st *storage.Storage) (error, bool) {
			ok, err := st.Exists(ctx, obj)
			if ok && err == nil {
				return errors.New("exists reported true"), false
			}
			return err, false
		}},
		{"open", func(ctx context.Context, st *storage.Storage) (error, bool) {
			r, err := st.Open(ctx, obj)
			if err == nil {
				r.Close()
			}
			return err, false
		}},
		{"read-range", func(ctx context.Context, st *storage.Storage) (error, bool) {
			r, err := st.ReadRange(ctx, obj, 1, 4)
			if err == nil {
				_, err = io.ReadAll(r)
				r.Close()
			}
			return err, false
		}},
		{"save-overwrite", save(small, storage.Overwrite)},
		{"save-fail", save(small, storage.Fail)},
		{"save-rename", save(small, storage.Rename)},
		{"save-stream", save(stream, storage.Overwrite)},
		{"delete", func(ctx context.Context, st *storage.Storage) (error, bool) {
			return st.Delete(ctx, obj), false
		}},
		{"list", list(storage.ListOptions{})},
		{"list-one-level", list(storage.ListOptions{OneLevel: true})},
		{"copy", func(ctx context.Context, st *storage.Storage) (error, bool) {
			return copyOver(ctx, st, "bucket-case/copy.txt", obj), false
		}},
		{"signed-url", func(ctx context.Context, st *storage.Storage) (error, bool) {
			if !st.Capabilities().SignedURL {
				return nil, true
			}
			_, err := st.SignedURL(ctx, obj, storage.SignOptions{Method: http.MethodGet, Expiry: time.Minute})
			return err, err == nil
		}},
	}
}

// bucketCases: a storage over a bucket that does not exist fails every
// operation with ErrBucketNotExist, never with ErrNotExist (a misspelt
// bucket must not look like an empty one: Exists false, Delete a success);
// one with a wrong credential fails with ErrPermission.
func bucketCases() []testCase {
	var cases []testCase
	for _, op := range bucketOps() {
		cases = append(cases, testCase{"missing-" + op.name, func(t T, s *suite) {
			if s.MissingBucket == nil {
				t.Skip("Harness.MissingBucket is nil: the driver has no bucket or container (a driver that has one must set it)")
			}
			st := s.MissingBucket(goTest(t, "MissingBucket"))
			if st == nil {
				t.Fatal("Harness.MissingBucket returned nil")
			}
			err, noIO := op.call(t.Context(), st)
			if noIO {
				return
			}
			what := op.name + " on a missing bucket"
			expectErr(t, what, err, storage.ErrBucketNotExist)
			if errors.Is(err, storage.ErrNotExist) || errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("%s: %v matches ErrNotExist", what, err)
			}
			if k := storage.KindOf(err); k != storage.ErrBucketNotExist {
				t.Fatalf("%s: KindOf = %v", what, k)
			}
		}})
	}
	for _, op := range bucketOps() {
		cases = append(cases, testCase{"wrong-credential-" + op.name, func(t T, s *suite) {
			if s.WrongCredential == nil {
				t.Skip("Harness.WrongCredential is nil: the driver takes no credential (a driver that does must set it)")
			}
			st := s.WrongCredential(goTest(t, "WrongCredential"))
			if st == nil {
				t.Fatal("Harness.WrongCredential returned nil")
			}
			err, noIO := op.call(t.Context(), st)
			if noIO {
				return
			}
			what := op.name + " with a wrong credential"
			expectErr(t, what, err, storage.ErrPermission, fs.ErrPermission)
			if errors.Is(err, storage.ErrNotExist) || errors.Is(err, storage.ErrBucketNotExist) {
				t.Fatalf("%s: %v matches ErrNotExist or ErrBucketNotExist", what, err)
			}
		}})
	}
	return cases
}
