package storage

import (
	"crypto/rand"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest valid name, in bytes (S3's and GCS's limit).
const MaxNameLength = 1024

// ValidateName reports whether name is a valid object name, with an error
// matching ErrInvalidName when it is not. Every driver gets names through
// this one check. A valid name:
//
//   - is non-empty, valid UTF-8 and at most MaxNameLength bytes;
//   - has no NUL, control characters or backslashes;
//   - is relative ("a/b.txt", not "/a/b.txt") and has no empty, "." or ".."
//     segments (so no "a//b" and no trailing "/").
//
// Anything else is allowed: spaces, '+', '%', '?', '#', '&', quotes, any
// script, emoji.
func ValidateName(name string) error {
	if reason := invalidName(name); reason != "" {
		return errorf("validate", name, ErrInvalidName, reason)
	}
	return nil
}

func invalidName(name string) string {
	reason, _ := scanName(name)
	return reason
}

// Byte classes for scanName.
const (
	plain   = iota // unreserved in a URL path: kept as is
	escaped        // valid in a name, percent-encoded in a URL
	slash
	invalid // backslash, C0 controls, DEL
	nonASCII
)

var nameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = nonASCII
		case c < 0x20 || c == 0x7f || c == '\\':
			t[c] = invalid
		case c == '/':
			t[c] = slash
		case keep[c]:
			t[c] = plain
		default:
			t[c] = escaped
		}
	}
	return t
}()

// scanName validates name in one pass and returns the reason it is
// invalid ("" when valid) and how many bytes percent-encoding adds to it in
// a URL path.
func scanName(name string) (reason string, extra int) {
	switch {
	case name == "":
		return "empty name", 0
	case len(name) > MaxNameLength:
		return "name longer than 1024 bytes", 0
	case name[0] == '/':
		return "absolute name", 0
	}
	segStart := 0
	for i := 0; i < len(name); {
		switch nameClass[name[i]] {
		case plain:
			i++
		case escaped:
			extra += 2
			i++
		case slash:
			if r := badSegment(name[segStart:i]); r != "" {
				return r, 0
			}
			i++
			segStart = i
		case invalid:
			if name[i] == '\\' {
				return "backslash in name", 0
			}
			return "control character in name", 0
		default:
			r, size := utf8.DecodeRuneInString(name[i:])
			if r == utf8.RuneError && size == 1 {
				return "invalid UTF-8 in name", 0
			}
			if unicode.IsControl(r) {
				return "control character in name", 0
			}
			extra += 2 * size
			i += size
		}
	}
	return badSegment(name[segStart:]), extra
}

func badSegment(seg string) string {
	switch seg {
	case "":
		return "empty path segment"
	case ".", "..":
		return "'.' or '..' path segment"
	}
	return ""
}

// validatePrefix checks a listing prefix or location: empty, or a valid name
// optionally ending in "/".
func validatePrefix(p string) string {
	if p == "" {
		return ""
	}
	return invalidName(strings.TrimSuffix(p, "/"))
}

// SafeName turns an untrusted file name, such as the one a browser sends with
// an upload, into a safe base name (Django's get_valid_name): directories are
// dropped (both '/' and '\'), surrounding space trimmed, inner spaces become
// '_', and every character other than letters, digits, '-', '_' and '.' is
// removed. It returns an error matching ErrInvalidName when nothing usable
// is left.
func SafeName(untrusted string) (string, error) {
	s := strings.ToValidUTF8(untrusted, "")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r == '-' || r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > 255 {
		out = truncateUTF8(out, 255)
	}
	if out == "" || out == "." || out == ".." {
		return "", errorf("safename", untrusted, ErrInvalidName, "no usable characters in file name")
	}
	return out, nil
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// maxGeneratedSegment is the longest path segment, in bytes, that Rename
// generates: NAME_MAX on Linux, macOS and the BSDs, and the segment limit of
// MinIO and other S3-compatible stores backed by a filesystem.
const maxGeneratedSegment = 255

// availableName returns a new candidate for a taken name: same directory and
// extension, "_" plus 7 random letters and digits after the base name,
// shortening the base name so the result fits in maxLen bytes and its last
// segment in maxGeneratedSegment bytes (or in the taken segment's own length
// when that is longer: a backend that stored it takes one as long).
func availableName(name string, maxLen int) (string, bool) {
	dir, file := path.Split(name)
	root, ext := splitExt(file)
	var suffix [8]byte
	suffix[0] = '_'
	var rnd [7]byte
	_, _ = rand.Read(rnd[:])
	for i, b := range rnd {
		suffix[i+1] = alnum[int(b)%len(alnum)]
	}
	segMax := min(maxLen-len(dir), max(maxGeneratedSegment, len(file)))
	if over := len(root) + len(suffix) + len(ext) - segMax; over > 0 {
		if over >= len(root) {
			return "", false
		}
		root = truncateUTF8(root, len(root)-over)
		if root == "" {
			return "", false
		}
	}
	return dir + root + string(suffix[:]) + ext, true
}

// splitExt splits "photo.tar.gz" into "photo.tar" and ".gz"; a leading dot
// (".env") is not an extension.
func splitExt(file string) (string, string) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 || strings.Trim(file[:i], ".") == "" {
		return file, ""
	}
	return file[:i], file[i:]
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
