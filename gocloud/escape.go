package gocloud

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// gocloud.dev keys are any UTF-8 string; go-storages names are not (see
// storage.ValidateName). The driver maps one to the other reversibly, in
// the "__0x<hex>__" form gocloud.dev's own drivers use for what their
// services refuse, one "/"-separated segment at a time so that directories
// stay directories:
//
//   - a backslash, a C0 control or DEL becomes "__0x<hex>__";
//   - a segment "." or ".." starts with "__0x2e__";
//   - an empty segment (a leading, trailing or repeated "/") becomes
//     "__0x__";
//   - a literal "__0x" starts with "__0x5f__" (an escaped "_"), so every
//     key has exactly one name and every name decodes to its key.
//
// Keys that need none of this (most keys) are stored as they are.

const emptySegment = "__0x__"

// escapeKey returns the name key is stored under.
// The empty key stays empty, which storage refuses as an invalid name.
func escapeKey(key string) string {
	if key == "" || !needsEscape(key) {
		return key
	}
	return escapeSegments(key)
}

func escapeSegments(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return strings.Join(segs, "/")
}

// needsEscape is a fast check that escapeKey would change key.
func needsEscape(key string) bool {
	if key[0] == '/' || key[len(key)-1] == '/' || strings.Contains(key, "//") || strings.Contains(key, "__0x") {
		return true
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return true
		}
	}
	for s := range strings.SplitSeq(key, "/") {
		if s == "." || s == ".." {
			return true
		}
	}
	return false
}

func escapeSegment(s string) string {
	switch s {
	case "":
		return emptySegment
	case ".", "..":
		return "__0x2e__" + s[1:]
	}
	return escapeText(s, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' })
}

// escapeText escapes the runes esc selects and the first "_" of every
// literal "__0x" (whether or not an escape follows: an escape of the next
// rune could complete it).
func escapeText(s string, esc func(rune) bool) string {
	var b strings.Builder
	for i, c := range s {
		if esc(c) || (c == '_' && strings.HasPrefix(s[i:], "__0x")) {
			b.WriteString("__0x")
			b.WriteString(strconv.FormatInt(int64(c), 16))
			b.WriteString("__")
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// parseEscape decodes the escape at the start of s: the rune (-1 for the
// empty segment marker) and its length, or n == 0 when s starts with none.
func parseEscape(s string) (r rune, n int) {
	if !strings.HasPrefix(s, "__0x") {
		return 0, 0
	}
	end := strings.Index(s[4:], "__")
	if end < 0 {
		return 0, 0
	}
	hex := s[4 : 4+end]
	if hex == "" {
		return -1, 6
	}
	v, err := strconv.ParseUint(hex, 16, 31)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, 0
	}
	return rune(v), 4 + end + 2
}

// unescapeKey is the inverse of escapeKey.
func unescapeKey(name string) string {
	if !strings.Contains(name, "__0x") {
		return name
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		if s == emptySegment {
			segs[i] = ""
			continue
		}
		segs[i] = unescapeText(s)
	}
	return strings.Join(segs, "/")
}

func unescapeText(s string) string {
	if !strings.Contains(s, "__0x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, n := parseEscape(s[i:]); n > 0 && r >= 0 {
			b.WriteRune(r)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// escapePrefix returns the longest name prefix that every name of a key
// starting with prefix starts with: the complete segments of prefix
// escaped, and the last, partial segment escaped up to the first byte whose
// escaping depends on what follows it ("_", which may start a literal
// escape, and a segment of dots, which may be "." or ".." or not). Listings
// filter the keys they decode by prefix itself.
func escapePrefix(prefix string) string {
	dir, part := "", prefix
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir, part = prefix[:i+1], prefix[i+1:]
	}
	if dir != "" {
		dir = escapeSegments(dir[:len(dir)-1]) + "/"
	}
	if i := strings.IndexByte(part, '_'); i >= 0 {
		part = part[:i]
	}
	if strings.Trim(part, ".") == "" {
		part = ""
	}
	return dir + escapeText(part, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' })
}

// Metadata keys go-storages accepts are ASCII letters, digits, "-" and "_"
// (gocloud.dev lower-cases keys before a driver sees them); values are
// UTF-8 without control characters. Both are escaped like key segments.

func escapeMetaKey(k string) string {
	return escapeText(k, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	})
}

func escapeMetaValue(v string) string {
	return escapeText(v, func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f || c >= 0x80 && c < 0xa0 })
}
