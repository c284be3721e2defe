//go:build !unix

package filesystem

import (
	"io/fs"
	"strconv"
)

// etag identifies a version of a file by size and modification time.
func etag(fi fs.FileInfo) string {
	return `"` + strconv.FormatInt(fi.Size(), 16) + "-" + strconv.FormatInt(fi.ModTime().UnixNano(), 16) + `"`
}
