package storage

import "strings"

// ValidETag returns e as a valid HTTP entity tag (RFC 9110, section 8.8.3):
// e itself when it is one (strong "…" or weak W/"…"); a bare value, as GCS
// reports its ETags and Azure those of its listings, in double quotes. Bytes
// an entity tag cannot hold (controls, space, '"', DEL) and '%' are
// percent-encoded, so distinct values stay distinct. "" stays "" (no ETag).
//
// The portable layer applies it to every ETag a driver reports (Stat, Open,
// List), so the same unchanged object has the same, valid ETag everywhere.
func ValidETag(e string) string {
	if e == "" || isETag(e) {
		return e
	}
	var b strings.Builder
	b.Grow(len(e) + 2)
	b.WriteByte('"')
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(e); i++ {
		c := e[i]
		if etagc(c) && c != '%' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	b.WriteByte('"')
	return b.String()
}

// isETag reports whether e is an entity-tag: [ "W/" ] DQUOTE *etagc DQUOTE.
func isETag(e string) bool {
	e = strings.TrimPrefix(e, "W/")
	if len(e) < 2 || e[0] != '"' || e[len(e)-1] != '"' {
		return false
	}
	for i := 1; i < len(e)-1; i++ {
		if !etagc(e[i]) {
			return false
		}
	}
	return true
}

// etagc: %x21 / %x23-7E / obs-text.
func etagc(c byte) bool { return c == 0x21 || c >= 0x23 && c != 0x7f }
