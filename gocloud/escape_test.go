package gocloud

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-storages/storage"
)

// FuzzEscapeKey: every UTF-8 key is stored under a valid name that decodes
// back to it, distinct keys get distinct names, and the name of every key
// starting with a prefix starts with escapePrefix(prefix).
func FuzzEscapeKey(f *testing.F) {
	for _, s := range []string{"a", "a/b", "/a", "a/", "a//b", ".", "..", "a/../b", "a\\b", "x\x00y", "__0x41__", "__0x__", "a/__0x__/b", "_", "a_b", "..a", "☺/\x7f"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, key string, cut int) {
		if key == "" || !utf8.ValidString(key) || len(key) > 100 {
			return
		}
		name := escapeKey(key)
		if err := storage.ValidateName(name); err != nil {
			t.Fatalf("escapeKey(%q) = %q: %v", key, name, err)
		}
		if back := unescapeKey(name); back != key {
			t.Fatalf("unescapeKey(escapeKey(%q)) = %q (name %q)", key, back, name)
		}
		if cut < 0 {
			cut = -cut
		}
		prefix := key[:cut%(len(key)+1)]
		for !utf8.ValidString(prefix) {
			prefix = prefix[:len(prefix)-1]
		}
		if p := escapePrefix(prefix); !strings.HasPrefix(name, p) {
			t.Fatalf("escapeKey(%q) = %q does not start with escapePrefix(%q) = %q", key, name, prefix, p)
		}
	})
}

func TestEscapeMetadata(t *testing.T) {
	for _, s := range []string{"foo", "a b", "\x00\x01\t\x7f", "__0x41__", "☺", "Key"} {
		if got := unescapeText(escapeMetaValue(s)); got != s {
			t.Errorf("value %q: round trip %q", s, got)
		}
		k := strings.ToLower(s)
		ek := escapeMetaKey(k)
		if strings.Trim(ek, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Errorf("escapeMetaKey(%q) = %q: not a storage metadata key", k, ek)
		}
		if got := unescapeText(ek); got != k {
			t.Errorf("key %q: round trip %q", k, got)
		}
	}
}
