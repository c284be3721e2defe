package staticfiles

import (
	"net/url"
	"path"
	"strings"
)

// splitExt splits a base name as Python's os.path.splitext does: the
// extension is the last dot and what follows, unless every dot of the name
// is leading (".htaccess" has no extension).
func splitExt(base string) (root, ext string) {
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || strings.TrimLeft(base[:i], ".") == "" {
		return base, ""
	}
	return base[:i], base[i:]
}

// hashedName inserts ".<hash>" before the extension of name's last segment,
// as Django's hashed_name does: "css/app.css" -> "css/app.<h>.css",
// "a.tar.gz" -> "a.tar.<h>.gz", "LICENSE" -> "LICENSE.<h>".
func hashedName(name, hash string) string {
	dir, base := path.Split(name)
	root, ext := splitExt(base)
	return dir + root + "." + hash + ext
}

// hashedSegment returns the last segment of a reference's raw path with the
// hash inserted, keeping the reference's own percent-encoding: when the
// decoded segment is the target's base name the hash goes in front of the
// raw extension; otherwise the hashed base name is percent-encoded.
func hashedSegment(rawSeg, targetBase, hash string) string {
	root, ext := splitExt(targetBase)
	if dec, err := url.PathUnescape(rawSeg); err == nil && dec == targetBase && strings.HasSuffix(rawSeg, ext) &&
		!strings.Contains(ext, "%") {
		return rawSeg[:len(rawSeg)-len(ext)] + "." + hash + ext
	}
	return url.PathEscape(root + "." + hash + ext)
}

// isScheme reports whether u starts with a URL scheme ("data:", "http:",
// "mailto:", ...; RFC 3986: a letter, then letters, digits, "+", "-", ".").
func isScheme(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return true
		default:
			return false
		}
	}
	return false
}
