package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-storages/storage"
)

// bigTree is the layout of the large listing cases: 2,500 objects directly
// under "list/" and 60 more in 20 subdirectories, so both modes list at least
// 2,500 objects across several pages.
func bigTree() (files, nested []string) {
	for i := range 2500 {
		files = append(files, fmt.Sprintf("list/f%04d", i))
	}
	for d := range 20 {
		for j := range 3 {
			nested = append(nested, fmt.Sprintf("list/d%02d/g%d", d, j))
		}
	}
	return files, nested
}

func listCases() []testCase {
	return append([]testCase{
		{"empty-storage", func(t T, s *suite) {
			st, _ := s.fresh(t)
			expectList(t, st, "", storage.ListOptions{}, nil)
			expectList(t, st, "", storage.ListOptions{OneLevel: true}, nil)
		}},
		{"no-match", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "a/b.txt", []byte("x"), storage.SaveOptions{})
			for _, p := range []string{"b", "a/c", "zzz/", "a/b.txt/", "A/"} {
				expectList(t, st, p, storage.ListOptions{}, nil)
				expectList(t, st, p, storage.ListOptions{OneLevel: true}, nil)
			}
		}},
		{"sorted-byte-order", func(t T, s *suite) {
			st, _ := s.fresh(t)
			names := []string{"b", "c/x", "a.txt", "a-b", "a", "B", "é", "z", "a0", "~tilde", "_under"}
			for _, n := range names {
				put(t, st, "sort/"+n, []byte(n), storage.SaveOptions{})
			}
			want := make([]string, len(names))
			for i, n := range names {
				want[i] = "sort/" + n
			}
			slices.Sort(want)
			expectList(t, st, "sort/", storage.ListOptions{}, want)
		}},
		{"one-level-dirs-sorted-with-files", func(t T, s *suite) {
			st, _ := s.fresh(t)
			// "a.txt" < "a/" < "a0" in byte order ('.' < '/' < '0').
			for _, n := range []string{"t/a/deep/x", "t/a/y", "t/a.txt", "t/a0", "t/a-b", "t/b/z"} {
				put(t, st, n, []byte(n), storage.SaveOptions{})
			}
			expectList(t, st, "t/", storage.ListOptions{OneLevel: true}, []string{"t/a-b", "t/a.txt", "t/a/", "t/a0", "t/b/"})
			expectList(t, st, "t/a/", storage.ListOptions{OneLevel: true}, []string{"t/a/deep/", "t/a/y"})
			expectList(t, st, "", storage.ListOptions{OneLevel: true}, []string{"t/"})
		}},
		{"recursive-and-one-level-small", func(t T, s *suite) {
			st, _ := s.fresh(t)
			all := []string{"r/1.txt", "r/2.txt", "r/sub/3.txt", "r/sub/deeper/4.txt", "other.txt"}
			for _, n := range all {
				put(t, st, n, []byte(n), storage.SaveOptions{})
			}
			es := expectList(t, st, "r/", storage.ListOptions{}, []string{"r/1.txt", "r/2.txt", "r/sub/3.txt", "r/sub/deeper/4.txt"})
			for _, e := range es {
				if e.Size != int64(len(e.Name)) || e.IsDir {
					t.Fatalf("entry %+v: want size %d, not a directory", e, len(e.Name))
				}
			}
			expectList(t, st, "r/", storage.ListOptions{OneLevel: true}, []string{"r/1.txt", "r/2.txt", "r/sub/"})
			expectList(t, st, "", storage.ListOptions{OneLevel: true}, []string{"other.txt", "r/"})
		}},
		{"prefix-not-a-directory", func(t T, s *suite) {
			st, _ := s.fresh(t)
			for _, n := range []string{"p/report-2024.pdf", "p/report-2025.pdf", "p/report/x.pdf", "p/rep", "p/other"} {
				put(t, st, n, []byte(n), storage.SaveOptions{})
			}
			expectList(t, st, "p/report", storage.ListOptions{}, []string{"p/report-2024.pdf", "p/report-2025.pdf", "p/report/x.pdf"})
			expectList(t, st, "p/report", storage.ListOptions{OneLevel: true}, []string{"p/report-2024.pdf", "p/report-2025.pdf", "p/report/"})
			expectList(t, st, "p/rep", storage.ListOptions{OneLevel: true}, []string{"p/rep", "p/report-2024.pdf", "p/report-2025.pdf", "p/report/"})
		}},
		{"prefix-is-exact-name", func(t T, s *suite) {
			st, _ := s.fresh(t)
			put(t, st, "exact.txt", []byte("x"), storage.SaveOptions{})
			expectList(t, st, "exact.txt", storage.ListOptions{}, []string{"exact.txt"})
		}},
		{"early-break", func(t T, s *suite) {
			st, ctx := s.fresh(t)
			var names []string
			for i := range 20 {
				names = append(names, fmt.Sprintf("brk/%02d", i))
			}
			putMany(t, st, names, 10)
			n := 0
			for _, err := range st.List(ctx, "brk/", storage.ListOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 5 {
					break
				}
			}
			if n != 5 {
				t.Fatalf("iterated %d entries, want to stop at 5", n)
			}
		}},
		{"many-recursive", func(t T, s *suite) {
			st, _ := s.fresh(t)
			files, nested := bigTree()
			putMany(t, st, append(slices.Clone(files), nested...), 8)
			want := append(slices.Clone(files), nested...)
			slices.Sort(want)
			es := expectList(t, st, "list/", storage.ListOptions{}, want)
			for _, e := range es {
				if e.Size != 8 {
					t.Fatalf("entry %q: size %d, want 8", e.Name, e.Size)
				}
			}
			expectList(t, st, "", storage.ListOptions{}, want)
			// A prefix that is not a directory boundary, cutting pages.
			var f1 []string
			for _, n := range files {
				if strings.HasPrefix(n, "list/f1") {
					f1 = append(f1, n)
				}
			}
			expectList(t, st, "list/f1", storage.ListOptions{}, f1)
		}},
		{"many-one-level", func(t T, s *suite) {
			st, _ := s.fresh(t)
			files, nested := bigTree()
			putMany(t, st, append(slices.Clone(files), nested...), 8)
			want := slices.Clone(files)
			var dirs []string
			for d := range 20 {
				dirs = append(dirs, fmt.Sprintf("list/d%02d/", d))
			}
			want = append(want, dirs...)
			slices.Sort(want)
			expectList(t, st, "list/", storage.ListOptions{OneLevel: true}, want)
			expectList(t, st, "", storage.ListOptions{OneLevel: true}, []string{"list/"})
			expectList(t, st, "list/d0", storage.ListOptions{OneLevel: true}, dirs[:10])
			expectList(t, st, "list/d07/", storage.ListOptions{OneLevel: true}, []string{"list/d07/g0", "list/d07/g1", "list/d07/g2"})
		}},
	}, listOrderCases()...)
}
