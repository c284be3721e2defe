// Package httprange reads the Content-Range header of a ranged response, so
// that the drivers over HTTP services (S3, Azure) report the size of the
// whole object, as storage.Driver.Read asks, in one way.
package httprange

import (
	"strconv"
	"strings"
)

// Total returns the complete length of a Content-Range "bytes a-b/total",
// and false when the header is absent or the length unknown ("/*").
func Total(contentRange string) (int64, bool) {
	i := strings.LastIndexByte(contentRange, '/')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(contentRange[i+1:], 10, 64)
	return n, err == nil && n >= 0
}
