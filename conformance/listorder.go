package conformance

import (
	"slices"
	"strings"

	"github.com/go-storages/storage"
)

// listOrderCases check that listings are in byte order where byte (UTF-8)
// order and UTF-16 order differ: characters above U+FFFF (surrogate pairs
// in UTF-16) against characters in U+E000-U+FFFF. They run in the "list"
// group.
func listOrderCases() []testCase {
	names := []string{
		"o/\U00010000", "o/\uFF21", "o/\uE000", "o/a", "o/\uD7FF", "o/\U0010FFFF",
		"o/😀/x", "o/\uFFFD/y", "o/😀\uFF21", "o/😀\U00010000", "o/\uFF21😀", "o/\uFF21\uFF21",
		"o/\uFF22/😀", "o/\uFF22/\uE000",
	}
	oneLevel := func(prefix string) []string {
		seen := map[string]bool{}
		var out []string
		for _, n := range names {
			rest, ok := strings.CutPrefix(n, prefix)
			if !ok {
				continue
			}
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				n = prefix + rest[:i+1]
			}
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		slices.Sort(out)
		return out
	}
	return []testCase{
		{"byte-order-beyond-bmp", func(t T, s *suite) {
			st, _ := s.fresh(t)
			for _, n := range names {
				put(t, st, n, []byte(n), storage.SaveOptions{})
			}
			want := slices.Clone(names)
			slices.Sort(want)
			expectList(t, st, "o/", storage.ListOptions{}, want)
			expectList(t, st, "", storage.ListOptions{}, want)
			expectList(t, st, "o/", storage.ListOptions{OneLevel: true}, oneLevel("o/"))
			expectList(t, st, "o/\uFF22/", storage.ListOptions{OneLevel: true}, oneLevel("o/\uFF22/"))
			expectList(t, st, "o/😀", storage.ListOptions{}, []string{"o/😀/x", "o/😀\uFF21", "o/😀\U00010000"})
		}},
	}
}
