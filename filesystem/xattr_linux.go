//go:build linux

package filesystem

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// xattrName is the extended attribute holding an object's headers and
// metadata: the user namespace, which any file owner may write.
const xattrName = "user.go-storages.meta"

// xattrsAvailable reports whether this build stores metadata in extended
// attributes at all (Linux only).
const xattrsAvailable = true

// setXattr stores data as f's metadata attribute (a variable: the tests
// make it fail as a filesystem without extended attributes does).
var setXattr = fsetXattr

func fsetXattr(f *os.File, data []byte) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.Fsetxattr(int(fd), xattrName, data, 0)
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fsetxattr", Path: f.Name(), Err: serr}
	}
	return nil
}

// getXattr returns f's metadata attribute, or nil when it has none (or the
// filesystem keeps no extended attributes).
func getXattr(f *os.File) ([]byte, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var (
		out  []byte
		gerr error
	)
	if err := rc.Control(func(fd uintptr) {
		buf := make([]byte, 512) // headers of a typical object fit
		for range 4 {
			var n int
			n, gerr = unix.Fgetxattr(int(fd), xattrName, buf)
			if gerr == nil {
				out = buf[:n]
				return
			}
			if gerr != unix.ERANGE {
				return
			}
			// Larger than buf: ask its size (it may change meanwhile when
			// someone else sets it; try again a few times).
			if n, gerr = unix.Fgetxattr(int(fd), xattrName, nil); gerr != nil {
				return
			}
			buf = make([]byte, n)
		}
	}); err != nil {
		return nil, err
	}
	switch {
	case gerr == nil:
		return out, nil
	case errors.Is(gerr, unix.ENODATA), errors.Is(gerr, unix.ENOTSUP):
		return nil, nil
	}
	return nil, &os.PathError{Op: "fgetxattr", Path: f.Name(), Err: gerr}
}

// xattrUnsupported reports whether a failed setXattr means that the
// filesystem keeps no user extended attributes at all (so no later write
// tries again), and xattrRefused whether this one value could not be stored
// (too large for the filesystem, or not permitted on this file): both fall
// back to the sidecar.
func xattrUnsupported(err error) bool {
	return errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP)
}

func xattrRefused(err error) bool {
	return errors.Is(err, unix.E2BIG) || errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.ERANGE) ||
		errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EDQUOT)
}
