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
	switch {
	case name == "":
		return "empty name"
	case len(name) > MaxNameLength:
		return "name longer than 1024 bytes"
	case name[0] == '/':
		return "absolute name"
	}
	segStart := 0
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			switch {
			case c < 0x20 || c == 0x7f:
				return "control character in name"
			case c == '\\':
				return "backslash in name"
			case c == '/':
				if r := badSegment(name[segStart:i]); r != "" {
					return r
				}
				segStart = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(name[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8 in name"
		}
		if unicode.IsControl(r) {
			return "control character in name"
		}
		i += size
	}
	return badSegment(name[segStart:])
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

// availableName returns a new candidate for a taken name: same directory and
// extension, "_" plus 7 random letters and digits after the base name,
// shortening the base name so the result fits in maxLen bytes.
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
	if over := len(dir) + len(root) + len(suffix) + len(ext) - maxLen; over > 0 {
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
