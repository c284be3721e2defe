package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// maxNameLen keeps names valid for S3, GCS and Azure (all allow 63) with
// room for a caller's suffix.
const maxNameLen = 40

// UniqueName returns a lower-case DNS-safe name for a bucket or container,
// unique across processes and runs: the prefix (lower-cased, reduced to
// letters, digits and single hyphens; "gost" if that leaves nothing), a
// hyphen and 12 random hex digits, at most 40 characters, e.g.
// "gost-3f9a1c2b7d0e".
func UniqueName(prefix string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(prefix) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	p := strings.Trim(b.String(), "-")
	if p == "" {
		p = "gost"
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	suffix := hex.EncodeToString(rnd[:])
	if max := maxNameLen - 1 - len(suffix); len(p) > max {
		p = strings.TrimRight(p[:max], "-")
	}
	return p + "-" + suffix
}
