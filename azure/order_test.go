package azure

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-storages/storage"
)

// TestByteOrder feeds random listings, in UTF-16 order and in byte order and
// cut into random pages (each page in UTF-16 order, as List sorts it),
// through byteOrder and checks that byte order comes out, and that names
// without characters above U+FFFF are never held.
func TestByteOrder(t *testing.T) {
	alphabet := []string{"a", "z", "/", "\uD7FF", "\uE000", "\uFF21", "\uFFFF", "\U00010000", "😀", "\U0010FFFF"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		set := map[string]bool{}
		bmpOnly := round%5 == 0
		for range 1 + rng.IntN(60) {
			var b strings.Builder
			b.WriteString("o/")
			for range 1 + rng.IntN(4) {
				c := alphabet[rng.IntN(len(alphabet))]
				if bmpOnly && len(c) == 4 {
					c = "a"
				}
				b.WriteString(c)
			}
			set[b.String()] = true
		}
		var names []string
		for n := range set {
			names = append(names, n)
		}
		want := slices.Clone(names)
		slices.Sort(want)
		in := slices.Clone(names)
		if round%2 == 0 {
			slices.SortFunc(in, utf16Compare)
		} else {
			slices.Sort(in) // a service listing in byte order
		}
		var (
			o   byteOrder
			got []string
		)
		yield := func(e storage.Entry, err error) bool {
			got = append(got, e.Name)
			return true
		}
		for len(in) > 0 {
			page := slices.Clone(in[:min(len(in), 1+rng.IntN(8))])
			in = in[len(page):]
			slices.SortFunc(page, utf16Compare)
			for _, n := range page {
				o.push(storage.Entry{Name: n}, yield)
				if bmpOnly && len(o.held) != 0 {
					t.Fatalf("round %d: %d names held without characters above U+FFFF", round, len(o.held))
				}
			}
		}
		o.flush(yield)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d:\n got %+q\nwant %+q", round, got, want)
		}
	}
}

func TestUTF16Compare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"\U00010000", "\uFF21", -1}, // a surrogate pair before U+FF21
		{"\uFF21", "\U00010000", 1},
		{"\uD7FF", "\U00010000", -1},
		{"a", "ab", -1},
		{"ab", "ab", 0},
		{"😀", "\U00010000", 1},
	} {
		if got := utf16Compare(c.a, c.b); got != c.want {
			t.Errorf("utf16Compare(%+q, %+q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestByteOrderStopsEarly: push and flush report a yield that returned false.
func TestByteOrderStopsEarly(t *testing.T) {
	var o byteOrder
	stop := func(storage.Entry, error) bool { return false }
	if o.push(storage.Entry{Name: "a"}, stop) {
		t.Fatal("push went on after yield returned false")
	}
	o.push(storage.Entry{Name: "b😀"}, stop) // held
	if o.flush(stop) {
		t.Fatal("flush went on after yield returned false")
	}
}
