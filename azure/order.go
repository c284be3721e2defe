package azure

import (
	"cmp"
	"container/heap"
	"strings"
	"unicode/utf8"

	"github.com/go-storages/storage"
)

// byteOrder turns a listing that arrives in UTF-16 code-unit order (as
// Azurite lists) into byte order (UTF-8, code-point order), which
// storage.Driver.List promises, streaming.
//
// The two orders differ only where two names first differ by a character
// above U+FFFF (a surrogate pair in UTF-16: D800-DFFF) against one in
// U+E000-U+FFFF: UTF-16 puts the first before, UTF-8 after. So every
// later name in UTF-16 order is, in byte order, at least the "watermark" of
// the latest name f: f itself when f has no character above U+FFFF, else f
// cut before its first such character followed by U+E000, the smallest name
// that can still arrive and sort before it. Names up to the watermark are
// yielded; the others wait in a heap ordered by bytes.
//
// Memory: names without characters above U+FFFF pass straight through. What
// waits is the run of names that share a prefix and continue with a
// character above U+FFFF (an emoji, say) after it, until the listing passes
// the names that continue with U+E000-U+FFFF at the same point, or ends: at
// most the number of such names under one prefix. The same code also passes
// a listing already in byte order through unchanged (every watermark is at
// most the latest name), so it is right whichever order the service uses.
type byteOrder struct {
	held entryHeap
}

// push adds the next entry of the listing (in UTF-16 or byte order) and
// calls yield for each entry that is now known to come next in byte order.
// It returns false when yield does.
func (o *byteOrder) push(e storage.Entry, yield func(storage.Entry, error) bool) bool {
	mark, inclusive := watermark(e.Name)
	if len(o.held) == 0 && inclusive && mark == e.Name {
		return yield(e, nil) // the common case: nothing held, nothing to hold
	}
	heap.Push(&o.held, e)
	for len(o.held) > 0 {
		n := o.held[0].Name
		if n > mark || n == mark && !inclusive {
			return true
		}
		if !yield(heap.Pop(&o.held).(storage.Entry), nil) {
			return false
		}
	}
	return true
}

// flush yields what is held, at the end of the listing.
func (o *byteOrder) flush(yield func(storage.Entry, error) bool) bool {
	for len(o.held) > 0 {
		if !yield(heap.Pop(&o.held).(storage.Entry), nil) {
			return false
		}
	}
	return true
}

// watermark returns the smallest name, in byte order, that a listing in
// UTF-16 order can still yield after name, and whether that bound is
// inclusive (name itself: no later name sorts before it).
func watermark(name string) (string, bool) {
	i := strings.IndexFunc(name, func(r rune) bool { return r > 0xFFFF })
	if i < 0 {
		return name, true
	}
	return name[:i] + "\uE000", false
}

// utf16Compare compares a and b in UTF-16 code-unit order: code point
// order, except that characters above U+FFFF sort between U+D7FF and
// U+E000. It orders each page of a listing as Azurite sorts.
func utf16Compare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmp.Compare(utf16Key(ra), utf16Key(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func utf16Key(r rune) rune {
	if r >= 0xE000 && r <= 0xFFFF {
		return r + 0x110000 // after every surrogate pair
	}
	return r
}

// entryHeap is a min-heap of entries by name (byte order).
type entryHeap []storage.Entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].Name < h[j].Name }
func (h entryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)        { *h = append(*h, x.(storage.Entry)) }
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
