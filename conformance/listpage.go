package conformance

import (
	"bytes"
	"slices"
	"strings"

	"github.com/go-storages/storage"
)

// listPageCases check ListOptions.StartAfter and PageSize: a listing that
// starts after a name yields exactly the rest of the full listing, in
// both modes, on a sub-storage too; a page size changes nothing but the
// requests; and the checksums a listing reports are Stat's. They run in
// the "list" group.
func listPageCases() []testCase {
	tree := []string{"a.txt", "b/1.txt", "b/2.txt", "b/sub/3.txt", "b0.txt", "c.txt", "d/e/f.txt", "z/\u00e9t\u00e9.txt", "z/\U0001F600.txt"}
	// rest checks, for every cut point of the full listing (and names that
	// are not in it), that StartAfter yields the rest.
	rest := func(t T, st *storage.Storage, prefix string, opts storage.ListOptions) {
		t.Helper()
		full := entryNames(list(t, st, prefix, opts))
		if len(full) == 0 {
			t.Fatalf("List(%q, %+v) is empty", prefix, opts)
		}
		cuts := append(slices.Clone(full), "", prefix, "b/15.txt", "b/", "b/sub/", "a", "zz", "\U0010FFFF")
		for _, after := range cuts {
			var want []string
			for _, n := range full {
				if n > after {
					want = append(want, n)
				}
			}
			o := opts
			o.StartAfter = after
			expectList(t, st, prefix, o, want)
		}
	}
	return []testCase{
		{"start-after", func(t T, s *suite) {
			st, _ := s.fresh(t)
			putMany(t, st, tree, 10)
			rest(t, st, "", storage.ListOptions{})
			rest(t, st, "b/", storage.ListOptions{})
		}},
		{"start-after-one-level", func(t T, s *suite) {
			st, _ := s.fresh(t)
			putMany(t, st, tree, 10)
			rest(t, st, "", storage.ListOptions{OneLevel: true})
			rest(t, st, "b/", storage.ListOptions{OneLevel: true})
			// After a directory entry comes the next entry, not its contents.
			expectList(t, st, "", storage.ListOptions{OneLevel: true, StartAfter: "b/"}, []string{"b0.txt", "c.txt", "d/", "z/"})
		}},
		{"start-after-in-sub-storage", func(t T, s *suite) {
			st, _ := s.fresh(t)
			putMany(t, st, []string{"outside-a.txt", "sub/a.txt", "sub/b/c.txt", "sub/d.txt", "zzz.txt"}, 10)
			sub, err := st.Sub("sub")
			if err != nil {
				t.Fatal(err)
			}
			expectList(t, sub, "", storage.ListOptions{StartAfter: "a.txt"}, []string{"b/c.txt", "d.txt"})
			expectList(t, sub, "", storage.ListOptions{StartAfter: "b/", OneLevel: true}, []string{"d.txt"})
			expectList(t, sub, "", storage.ListOptions{StartAfter: "d.txt"}, nil)
			rest(t, sub, "", storage.ListOptions{})
			rest(t, sub, "", storage.ListOptions{OneLevel: true})
		}},
		{"page-size", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			names := make([]string, 0, 23)
			for i := range 23 {
				names = append(names, "p/"+strings.Repeat("x", i%3)+string(rune('a'+i)))
			}
			putMany(t, st, names, 10)
			slices.Sort(names)
			for _, size := range []int{1, 2, 7, 1000, 100000} {
				expectList(t, st, "p/", storage.ListOptions{PageSize: size}, names)
				expectList(t, st, "", storage.ListOptions{PageSize: size, OneLevel: true}, []string{"p/"})
			}
			// Paginating a UI: pages of 5, each resuming after the last
			// name of the previous one.
			var got []string
			after := ""
			for {
				page := 0
				for e, err := range st.List(ctx, "p/", storage.ListOptions{StartAfter: after, PageSize: 5}) {
					if err != nil {
						t.Fatal(err)
					}
					got, after = append(got, e.Name), e.Name
					if page++; page == 5 {
						break
					}
				}
				if page < 5 {
					break
				}
			}
			if !slices.Equal(got, names) {
				t.Fatalf("pages of 5 gave %s, want %s", brief(got), brief(names))
			}
			for _, err := range st.List(ctx, "", storage.ListOptions{PageSize: -1}) {
				expectErr(t, "List with a negative PageSize", err, storage.ErrInvalidArgument)
				break
			}
		}},
		{"listed-checksums-match-stat", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			put(t, st, "sums/small.txt", []byte("hello, checksums"), storage.SaveOptions{})
			put(t, st, "sums/empty.bin", nil, storage.SaveOptions{})
			put(t, st, "sums/big.bin", content("big", 6<<20), storage.SaveOptions{})
			put(t, st, "sums/stream.bin", nil, storage.SaveOptions{})
			if _, err := st.Save(ctx, "sums/stream.bin", onlyReader{bytes.NewReader(content("stream", 3<<20))}, storage.SaveOptions{Conflict: storage.Overwrite}); err != nil {
				t.Fatal(err)
			}
			listed := 0
			for _, opts := range []storage.ListOptions{{}, {OneLevel: true}} {
				for _, e := range list(t, st, "sums/", opts) {
					a, err := st.Stat(ctx, e.Name)
					if err != nil {
						t.Fatal(err)
					}
					if e.Checksums.MD5 != nil && !bytes.Equal(e.Checksums.MD5, a.Checksums.MD5) {
						t.Fatalf("%s: listed MD5 %x, Stat's %x", e.Name, e.Checksums.MD5, a.Checksums.MD5)
					}
					if e.Checksums.CRC32C != nil && !bytes.Equal(e.Checksums.CRC32C, a.Checksums.CRC32C) {
						t.Fatalf("%s: listed CRC32C %x, Stat's %x", e.Name, e.Checksums.CRC32C, a.Checksums.CRC32C)
					}
					if e.Checksums.SHA256 != nil && !bytes.Equal(e.Checksums.SHA256, a.Checksums.SHA256) {
						t.Fatalf("%s: listed SHA-256 %x, Stat's %x", e.Name, e.Checksums.SHA256, a.Checksums.SHA256)
					}
					if e.Checksums.MD5 != nil || e.Checksums.CRC32C != nil {
						listed++
					}
				}
			}
			t.Logf("%d of 8 listed entries carry a checksum", listed)
		}},
	}
}
