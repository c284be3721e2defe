package httprange

import "testing"

func TestTotal(t *testing.T) {
	for cr, want := range map[string]int64{
		"bytes 0-99/1000":      1000,
		"bytes 5-5/6":          6,
		"bytes */1000":         1000,
		"bytes 0-0/9000000000": 9000000000,
		"":                     -1,
		"bytes 0-99/*":         -1,
		"bytes 0-99/":          -1,
		"bytes 0-99/-3":        -1,
		"garbage":              -1,
	} {
		n, ok := Total(cr)
		if ok != (want >= 0) || ok && n != want {
			t.Errorf("Total(%q) = %d, %v; want %d", cr, n, ok, want)
		}
	}
}
