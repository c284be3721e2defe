package conformance

import (
	"strings"
	"time"

	"github.com/go-storages/storage"
)

func statCases() []testCase {
	return []testCase{
		{"size-and-modtime", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			before := time.Now()
			put(t, st, "stat/a.bin", content("a", 12_345), storage.SaveOptions{})
			a, err := st.Stat(ctx, "stat/a.bin")
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if a.Size != 12_345 {
				t.Fatalf("Size = %d, want 12345", a.Size)
			}
			if a.ModTime.IsZero() || a.ModTime.Location() != time.UTC {
				t.Fatalf("ModTime = %v (location %v), want a UTC time", a.ModTime, a.ModTime.Location())
			}
			// A sanity window, not a timing check: clocks of local services agree
			// within minutes.
			if d := a.ModTime.Sub(before); d < -10*time.Minute || d > 10*time.Minute {
				t.Fatalf("ModTime %v is far from the time of the save %v", a.ModTime, before)
			}
		}},
		{"missing", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			_, err := st.Stat(ctx, "nope.txt")
			expectErr(t, "Stat(missing)", err, storage.ErrNotExist)
		}},
		{"directory-is-not-an-object", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "dir/file.txt", []byte("x"), storage.SaveOptions{})
			_, err := st.Stat(ctx, "dir")
			expectErr(t, "Stat of a name that only prefixes objects", err, storage.ErrNotExist)
		}},
		{"modtime-advances-on-overwrite", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "m.txt", []byte("one"), storage.SaveOptions{})
			a1, err := st.Stat(ctx, "m.txt")
			if err != nil {
				t.Fatal(err)
			}
			put(t, st, "m.txt", []byte("two!"), storage.SaveOptions{})
			a2, err := st.Stat(ctx, "m.txt")
			if err != nil {
				t.Fatal(err)
			}
			if a2.Size != 4 || a2.ModTime.Before(a1.ModTime) {
				t.Fatalf("after overwrite: size %d, modtime %v before %v", a2.Size, a2.ModTime, a1.ModTime)
			}
		}},
		{"matches-open-attributes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "attrs.txt", []byte("same attributes"), storage.SaveOptions{ContentType: "text/plain"})
			a, err := st.Stat(ctx, "attrs.txt")
			if err != nil {
				t.Fatal(err)
			}
			r, err := st.Open(ctx, "attrs.txt")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b := r.Attributes()
			if a.Size != b.Size || !a.ModTime.Equal(b.ModTime) || a.ContentType != b.ContentType || a.ETag != b.ETag {
				t.Fatalf("Stat = %+v\nOpen.Attributes = %+v", a, b)
			}
		}},
		{"list-agrees", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "agree.bin", content("agree", 4321), storage.SaveOptions{})
			a, err := st.Stat(ctx, "agree.bin")
			if err != nil {
				t.Fatal(err)
			}
			es := expectList(t, st, "", storage.ListOptions{}, []string{"agree.bin"})
			if es[0].Size != a.Size || !es[0].ModTime.Equal(a.ModTime) {
				t.Fatalf("List entry %+v disagrees with Stat %+v", es[0], a)
			}
		}},
		{"etag-changes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "e.txt", []byte("version one"), storage.SaveOptions{})
			a1, err := st.Stat(ctx, "e.txt")
			if err != nil {
				t.Fatal(err)
			}
			if a1.ETag == "" {
				t.Skip("driver reports no ETag")
			}
			put(t, st, "e.txt", []byte("version two, longer"), storage.SaveOptions{})
			a2, err := st.Stat(ctx, "e.txt")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Trim(a1.ETag, `"W/`) == strings.Trim(a2.ETag, `"W/`) {
				t.Fatalf("ETag %s unchanged after the bytes changed", a2.ETag)
			}
		}},
	}
}

func existsCases() []testCase {
	return []testCase{
		{"present", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "here.txt", []byte("x"), storage.SaveOptions{})
			if ok, err := st.Exists(ctx, "here.txt"); !ok || err != nil {
				t.Fatalf("Exists = %v, %v", ok, err)
			}
		}},
		{"absent", func(t T, s *suite) {
			st, _ := s.fresh(t)
			expectMissing(t, st, "not-here.txt")
		}},
		{"empty-object", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "zero", nil, storage.SaveOptions{})
			if ok, err := st.Exists(ctx, "zero"); !ok || err != nil {
				t.Fatalf("Exists(empty object) = %v, %v", ok, err)
			}
		}},
		{"prefix-is-not-an-object", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "dir/sub/file.txt", []byte("x"), storage.SaveOptions{})
			expectMissing(t, st, "dir")
			expectMissing(t, st, "dir/sub")
			expectMissing(t, st, "dir/sub/file")
		}},
		{"after-delete", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "gone.txt", []byte("x"), storage.SaveOptions{})
			if err := st.Delete(ctx, "gone.txt"); err != nil {
				t.Fatal(err)
			}
			expectMissing(t, st, "gone.txt")
		}},
	}
}

func deleteCases() []testCase {
	return []testCase{
		{"removes", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "d.txt", []byte("x"), storage.SaveOptions{})
			if err := st.Delete(ctx, "d.txt"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			_, err := st.Open(ctx, "d.txt")
			expectErr(t, "Open after Delete", err, storage.ErrNotExist)
			expectNamespace(t, st)
		}},
		{"idempotent", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "twice.txt", []byte("x"), storage.SaveOptions{})
			for i := range 3 {
				if err := st.Delete(ctx, "twice.txt"); err != nil {
					t.Fatalf("Delete #%d: %v", i+1, err)
				}
			}
		}},
		{"missing-is-not-an-error", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			if err := st.Delete(ctx, "never/was.txt"); err != nil {
				t.Fatalf("Delete(missing): %v", err)
			}
		}},
		{"keeps-neighbours", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			for _, n := range []string{"a", "a.txt", "ab", "b/a"} {
				put(t, st, n, []byte(n), storage.SaveOptions{})
			}
			if err := st.Delete(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			expectNamespace(t, st, "a.txt", "ab", "b/a")
		}},
		{"prefix-deletes-nothing", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "dir/inside.txt", []byte("x"), storage.SaveOptions{})
			if err := st.Delete(ctx, "dir"); err != nil {
				t.Fatalf("Delete of a directory-like prefix: %v", err)
			}
			expectNamespace(t, st, "dir/inside.txt")
		}},
		{"last-in-directory", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "x/y/z.txt", []byte("x"), storage.SaveOptions{})
			put(t, st, "x/keep.txt", []byte("x"), storage.SaveOptions{})
			if err := st.Delete(ctx, "x/y/z.txt"); err != nil {
				t.Fatal(err)
			}
			expectList(t, st, "x/", storage.ListOptions{OneLevel: true}, []string{"x/keep.txt"})
			expectList(t, st, "x/y/", storage.ListOptions{}, nil)
		}},
		{"save-again-after-delete", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "again.txt", []byte("one"), storage.SaveOptions{})
			if err := st.Delete(ctx, "again.txt"); err != nil {
				t.Fatal(err)
			}
			got, err := save(t, st, ctx, "again.txt", strings.NewReader("two"), storage.SaveOptions{Conflict: storage.Fail})
			if err != nil || got != "again.txt" {
				t.Fatalf("Save(Fail) after Delete = %q, %v", got, err)
			}
			expectBytes(t, st, "again.txt", []byte("two"))
		}},
	}
}
