package conformance

import (
	"context"
	"maps"
	"sync/atomic"

	"github.com/go-storages/storage"
)

func copyCases() []testCase {
	return []testCase{
		{"bytes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("copy", 50_000)
			put(t, st, "src.bin", data, storage.SaveOptions{})
			track(t, st, "dst/copy.bin")
			if err := copyOver(ctx, st, "dst/copy.bin", "src.bin"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "dst/copy.bin", data)
			expectBytes(t, st, "src.bin", data)
			expectNamespace(t, st, "dst/copy.bin", "src.bin")
		}},
		{"empty-object", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "e0", nil, storage.SaveOptions{})
			track(t, st, "e1")
			if err := copyOver(ctx, st, "e1", "e0"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "e1", nil)
		}},
		{"replaces-destination", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "from", []byte("new bytes"), storage.SaveOptions{})
			put(t, st, "to", []byte("old bytes, longer than the new"), storage.SaveOptions{})
			if err := copyOver(ctx, st, "to", "from"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "to", []byte("new bytes"))
		}},
		{"missing-source", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "keep", []byte("keep"), storage.SaveOptions{})
			err := copyOver(ctx, st, "keep", "absent")
			expectErr(t, "Copy from a missing source", err, storage.ErrNotExist)
			expectBytes(t, st, "keep", []byte("keep"))
			expectNamespace(t, st, "keep")
		}},
		{"independent-of-source", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "orig", []byte("original"), storage.SaveOptions{})
			track(t, st, "dup")
			if err := copyOver(ctx, st, "dup", "orig"); err != nil {
				t.Fatal(err)
			}
			put(t, st, "orig", []byte("changed"), storage.SaveOptions{})
			if err := st.Delete(ctx, "orig"); err != nil {
				t.Fatal(err)
			}
			expectBytes(t, st, "dup", []byte("original"))
		}},
		{"keeps-metadata-and-headers", func(t T, s *suite) {
			need(t, s.caps.Metadata, "Metadata")
			st, ctx := s.fresh(t)
			opts := storage.SaveOptions{
				ContentType:        "application/vnd.test+json",
				CacheControl:       "public, max-age=60",
				ContentDisposition: `attachment; filename="report.txt"`,
				ContentLanguage:    "fr",
				Metadata:           map[string]string{"owner": "ada", "rev": "7"},
			}
			put(t, st, "meta-src", []byte("report"), opts)
			track(t, st, "meta-dst")
			if err := copyOver(ctx, st, "meta-dst", "meta-src"); err != nil {
				t.Fatal(err)
			}
			a, err := st.Stat(ctx, "meta-dst")
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentType != opts.ContentType || a.CacheControl != opts.CacheControl || a.ContentDisposition != opts.ContentDisposition ||
				a.ContentLanguage != opts.ContentLanguage || !maps.Equal(a.Metadata, opts.Metadata) {
				t.Fatalf("copy attributes %+v, want those of %+v", a, opts)
			}
		}},
		{"server-side", func(t T, s *suite) {
			need(t, s.caps.ServerSideCopy, "ServerSideCopy")
			base, ctx := s.fresh(t)
			put(t, base, "ss-src", []byte("stays in the backend"), storage.SaveOptions{})
			track(t, base, "ss-dst")
			var calls countingCalls
			st := base.Wrap(calls.wrap)
			if err := copyOver(ctx, st, "ss-dst", "ss-src"); err != nil {
				t.Fatal(err)
			}
			if n := calls.io.Load(); n != 0 {
				t.Fatalf("a server-side Copy made %d Read/Write calls through this process", n)
			}
			expectBytes(t, base, "ss-dst", []byte("stays in the backend"))
		}},
		{"server-side-fail", serverSideExclusiveCase(false)},
		{"server-side-rename-taken", serverSideExclusiveCase(true)},
		{"large", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			data := content("copy-large", 9<<20+7)
			put(t, st, "big-src", data, storage.SaveOptions{})
			track(t, st, "big-dst")
			if err := copyOver(ctx, st, "big-dst", "big-src"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			expectBytes(t, st, "big-dst", data)
		}},
		{"rename-taken-destination", copyPolicyCase(storage.DefaultPolicy, 50_000)},
		{"rename-taken-destination-large", copyPolicyCase(storage.Rename, 9<<20+7)},
		{"fail-taken-destination", copyPolicyCase(storage.Fail, 50_000)},
		{"fail-free-destination", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "ff-src", []byte("copied"), storage.SaveOptions{})
			track(t, st, "ff-dst")
			got, err := st.Copy(ctx, "ff-dst", "ff-src", storage.CopyOptions{Conflict: storage.Fail})
			if err != nil || got != "ff-dst" {
				t.Fatalf("Copy(Fail) to a free name = %q, %v", got, err)
			}
			expectBytes(t, st, "ff-dst", []byte("copied"))
		}},
		{"invalid-policy", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "ip-src", []byte("x"), storage.SaveOptions{})
			_, err := st.Copy(ctx, "ip-dst", "ip-src", storage.CopyOptions{Conflict: storage.ConflictPolicy(99)})
			expectErr(t, "Copy with an unknown policy", err, storage.ErrInvalidArgument)
			expectNamespace(t, st, "ip-src")
		}},
	}
}

// copyOver copies with the Overwrite policy (the contract of Copy before it
// honoured the conflict policies) and returns the error.
func copyOver(ctx context.Context, st *storage.Storage, dst, src string) error {
	_, err := st.Copy(ctx, dst, src, storage.CopyOptions{Conflict: storage.Overwrite})
	return err
}

// copyPolicyCase copies over a taken destination: Rename (and the default
// policy, Rename unless the storage says otherwise) copies to a new name in
// the destination's directory and keeps the destination; Fail returns
// ErrExist and changes nothing.
func copyPolicyCase(policy storage.ConflictPolicy, size int) func(T, *suite) {
	return func(t T, s *suite) {
		st, ctx := s.fresh(t)
		data := content("copy-policy", size)
		put(t, st, "cp/src.bin", data, storage.SaveOptions{})
		put(t, st, "cp/dst.bin", []byte("taken"), storage.SaveOptions{})
		got, err := st.Copy(ctx, "cp/dst.bin", "cp/src.bin", storage.CopyOptions{Conflict: policy})
		if policy == storage.Fail {
			expectErr(t, "Copy(Fail) to a taken name", err, storage.ErrExist)
			expectBytes(t, st, "cp/dst.bin", []byte("taken"))
			expectNamespace(t, st, "cp/dst.bin", "cp/src.bin")
			return
		}
		if err == nil {
			track(t, st, got)
		}
		if err != nil || !renamedLike("cp/", "dst", ".bin").MatchString(got) {
			t.Fatalf("Copy(%v) to a taken name = %q, %v; want cp/dst_XXXXXXX.bin", policy, got, err)
		}
		expectBytes(t, st, "cp/dst.bin", []byte("taken"))
		expectBytes(t, st, got, data)
		expectNamespace(t, st, "cp/dst.bin", "cp/src.bin", got)
	}
}

// serverSideExclusiveCase copies under Fail to a free name, or under
// Rename onto a taken one: a driver whose Copy takes an exclusive copy must
// keep it inside the backend (no Read or Write through this process) and
// create only, so a taken name is kept and the copy lands under the next
// name. A driver that refuses exclusive copies (ErrUnsupported) has them
// streamed through an exclusive Write (the copy/*-destination cases hold it
// to the policy): the case is skipped.
func serverSideExclusiveCase(taken bool) func(T, *suite) {
	return func(t T, s *suite) {
		need(t, s.caps.ServerSideCopy, "ServerSideCopy")
		base, ctx := s.fresh(t)
		var calls countingCalls
		var refused atomic.Bool
		st := base.Wrap(func(d storage.Driver) storage.Driver {
			return exclusiveSpy{spy{d, &calls.n, &calls.io}, &refused}
		})
		put(t, base, "sx/src.txt", []byte("stays in the backend"), storage.SaveOptions{})
		policy := storage.Fail
		if taken {
			policy = storage.Rename
			put(t, base, "sx/dst.txt", []byte("taken"), storage.SaveOptions{})
		}
		got, err := st.Copy(ctx, "sx/dst.txt", "sx/src.txt", storage.CopyOptions{Conflict: policy})
		if err == nil {
			track(t, base, got)
		}
		if err != nil || taken != (got != "sx/dst.txt") || taken && !renamedLike("sx/", "dst", ".txt").MatchString(got) {
			t.Fatalf("Copy(%v) = %q, %v", policy, got, err)
		}
		expectBytes(t, base, got, []byte("stays in the backend"))
		if taken {
			expectBytes(t, base, "sx/dst.txt", []byte("taken"))
		}
		if refused.Load() {
			t.Skip("the driver refuses exclusive copies (ErrUnsupported): Copy under Fail and Rename streams through an exclusive Write")
		}
		if n := calls.io.Load(); n != 0 {
			t.Fatalf("an exclusive Copy(%v) made %d Read/Write calls through this process", policy, n)
		}
	}
}

// exclusiveSpy is spy, noting when the driver refuses an exclusive Copy.
type exclusiveSpy struct {
	spy
	refused *atomic.Bool
}

func (s exclusiveSpy) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	err := s.spy.Copy(ctx, dst, src, exclusive)
	if exclusive && err != nil && storage.DriverKind(s, err) == storage.ErrUnsupported {
		s.refused.Store(true)
	}
	return err
}
