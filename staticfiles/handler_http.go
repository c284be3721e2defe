package staticfiles

import (
	"math"
	"net/http"
	"strings"
)

// codingPrefs is what an Accept-Encoding field says of each coding the
// handler has: -1 not named, 0 excluded (q=0), 1 acceptable.
type codingPrefs struct {
	q    [numEnc]int8
	star int8
}

// accepts applies RFC 9110 §12.5.3: a named coding is acceptable unless
// q=0; an unnamed one takes "*"'s verdict; identity is acceptable unless
// excluded by "identity;q=0" or by "*;q=0" without an identity entry.
func (p *codingPrefs) accepts(enc int) bool {
	switch {
	case p.q[enc] >= 0:
		return p.q[enc] == 1
	case p.star >= 0:
		return p.star == 1
	}
	return enc == encIdentity
}

// parseAcceptEncoding reads every Accept-Encoding line without allocating.
// Codings are case-insensitive; "x-gzip" is gzip (RFC 9110 §8.4.1.3); an
// element with an invalid qvalue is ignored.
func parseAcceptEncoding(values []string) codingPrefs {
	p := codingPrefs{q: [numEnc]int8{-1, -1, -1, -1}, star: -1}
	for _, v := range values {
		for len(v) > 0 {
			var elem string
			if i := strings.IndexByte(v, ','); i >= 0 {
				elem, v = v[:i], v[i+1:]
			} else {
				elem, v = v, ""
			}
			coding, params, _ := strings.Cut(elem, ";")
			coding = trimOWS(coding)
			if coding == "" {
				continue
			}
			q, ok := qvalue(params)
			if !ok {
				continue
			}
			enc := -1
			switch {
			case coding == "*":
				p.star = q
				continue
			case strings.EqualFold(coding, "br"):
				enc = encBr
			case strings.EqualFold(coding, "zstd"):
				enc = encZstd
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				enc = encGzip
			case strings.EqualFold(coding, "identity"):
				enc = encIdentity
			}
			if enc >= 0 {
				p.q[enc] = q
			}
		}
	}
	return p
}

// qvalue reads the weight among an element's parameters: 1 when it is
// positive or absent, 0 when it is zero; ok is false for a malformed one
// (RFC 9110 §12.4.2: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]).
func qvalue(params string) (int8, bool) {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, _ := strings.Cut(p, "=")
		if !strings.EqualFold(trimOWS(name), "q") {
			continue
		}
		val = trimOWS(val)
		if val == "" || len(val) > 5 || (val[0] != '0' && val[0] != '1') {
			return 0, false
		}
		frac := val[1:]
		if frac != "" {
			if frac[0] != '.' {
				return 0, false
			}
			frac = frac[1:]
		}
		zero := true
		for i := 0; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' || (val[0] == '1' && c != '0') {
				return 0, false
			}
			if c != '0' {
				zero = false
			}
		}
		if val[0] == '0' && zero {
			return 0, true
		}
		return 1, true
	}
	return 1, true
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// matchETags reports whether a list of entity tags ("*", or tags with or
// without W/) names etag (strong, quoted): by weak comparison when weak
// (If-None-Match), else by strong comparison (If-Match, If-Range), where a
// weak tag never matches. A malformed list matches nothing from the first
// fault on.
func matchETags(values []string, etag string, weak bool) bool {
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t,")
			if v == "" {
				break
			}
			if v[0] == '*' {
				return true
			}
			isWeak := strings.HasPrefix(v, "W/")
			if isWeak {
				v = v[2:]
			}
			if len(v) < 2 || v[0] != '"' {
				break
			}
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				break
			}
			tag := v[:end+2]
			if tag == etag && (weak || !isWeak) {
				return true
			}
			v = v[end+2:]
		}
	}
	return false
}

// parseRange reads a Range field against a representation of size bytes
// (RFC 9110 §14.2): one int-range, open range or suffix range gives
// (offset, length, 206); an unsatisfiable one 416; anything else (another
// unit, a malformed value, several ranges) 0, meaning "ignore it and send
// the whole representation", as the RFC permits.
func parseRange(s string, size int64) (off, n int64, status int) {
	s = trimOWS(s)
	unit, spec, ok := strings.Cut(s, "=")
	if !ok || !strings.EqualFold(trimOWS(unit), "bytes") {
		return 0, 0, 0
	}
	var one string
	for part := range strings.SplitSeq(spec, ",") {
		part = trimOWS(part)
		if part == "" {
			continue
		}
		if one != "" {
			return 0, 0, 0 // several ranges: the whole representation
		}
		one = part
	}
	first, last, ok := strings.Cut(one, "-")
	if !ok {
		return 0, 0, 0
	}
	if first == "" {
		suffix, ok := digits(last)
		if !ok {
			return 0, 0, 0
		}
		if suffix == 0 || size == 0 {
			return 0, 0, http.StatusRequestedRangeNotSatisfiable
		}
		suffix = min(suffix, size)
		return size - suffix, suffix, http.StatusPartialContent
	}
	start, ok := digits(first)
	if !ok {
		return 0, 0, 0
	}
	end := int64(math.MaxInt64)
	if last != "" {
		if end, ok = digits(last); !ok || end < start {
			return 0, 0, 0
		}
	}
	if start >= size {
		return 0, 0, http.StatusRequestedRangeNotSatisfiable
	}
	end = min(end, size-1)
	return start, end - start + 1, http.StatusPartialContent
}

// digits parses 1*DIGIT; values past MaxInt64 saturate (a position that
// large is past any representation's end).
func digits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxInt64-9)/10 {
			v = math.MaxInt64
			continue
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}
