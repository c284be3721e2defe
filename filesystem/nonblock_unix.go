//go:build unix

package filesystem

import "syscall"

// oNonblock is added to the flags of every file the driver opens: see
// openRead and createTemp.
const oNonblock = syscall.O_NONBLOCK
