//go:build unix

package filesystem

import (
	"io/fs"
	"strconv"
	"syscall"
)

// etag identifies a version of a file: inode, size and modification time.
// A write always makes a new file (rename or link of a new inode), so a new
// version never shares the ETag of the old one.
func etag(fi fs.FileInfo) string {
	b := make([]byte, 0, 64)
	b = append(b, '"')
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		b = strconv.AppendUint(b, uint64(st.Ino), 16)
		b = append(b, '-')
	}
	b = strconv.AppendInt(b, fi.Size(), 16)
	b = append(b, '-')
	b = strconv.AppendInt(b, fi.ModTime().UnixNano(), 16)
	return string(append(b, '"'))
}
