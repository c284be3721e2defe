//go:build !unix

package filesystem

// oNonblock is zero where O_NONBLOCK means nothing for files.
const oNonblock = 0
