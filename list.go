package storage

import "strings"

// ListStart returns the key after which a driver may start its backend's
// listing for opts (S3 StartAfter, GCS startOffset, a seek in a sorted
// index), or "" to start at prefix: opts.StartAfter when it sorts after
// prefix, moved past every key under it when the listing is one level and
// StartAfter is a directory entry (ends in "/"), since those keys all roll
// up into that entry. The storage drops the entries up to
// ListOptions.StartAfter itself, so a driver that starts earlier (or
// ignores StartAfter) is still right, only slower.
func ListStart(prefix string, opts ListOptions) string {
	after := opts.StartAfter
	if after <= prefix {
		return ""
	}
	if opts.OneLevel && strings.HasSuffix(after, "/") {
		// U+10FFFF sorts after every character a valid name can hold.
		return after + "\U0010FFFF"
	}
	return after
}
