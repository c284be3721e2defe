//go:build linux

package filesystem

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// fastRoot opens a write's directory with openat2(RESOLVE_BENEATH): the
// kernel walks the path in one syscall and refuses to leave the root (an
// absolute symlink, or ".." or a symlink leading out, fails with EXDEV),
// the confinement os.Root gives by walking one segment at a time in user
// space (an openat and a close per segment).
type fastRoot struct {
	f    *os.File // the root directory (nil: no fast path)
	name string   // its path, for error messages
	// off is set when the kernel has no openat2 (before Linux 5.6) or a
	// seccomp filter refuses it: every write then goes through os.Root.
	off atomic.Bool
}

func (r *fastRoot) init(root *os.Root) {
	if f, err := root.Open("."); err == nil {
		r.f, r.name = f, root.Name()
	}
}

func (r *fastRoot) close() {
	if r.f != nil {
		r.f.Close()
	}
}

// errEscapes is what os.Root reports for a path leaving the root;
// Driver.ErrorKind matches it by its text.
var errEscapes = errors.New(errEscapesText)

// open opens dir (not the root itself: ok is false for ".", whose handle is
// the driver's os.Root) and reports ok when it used the fast path; err is
// then the result.
func (r *fastRoot) open(dir string) (h dirHandle, ok bool, err error) {
	if r.f == nil || dir == "." || r.off.Load() {
		return nil, false, nil
	}
	rc, err := r.f.SyscallConn()
	if err != nil {
		return nil, true, err
	}
	fd := -1
	var oerr error
	// Control holds a reference on the root's descriptor: after Close it
	// fails instead of running with a number the process may have reused.
	if err := rc.Control(func(root uintptr) {
		how := &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
		}
		for range 16 { // EAGAIN: a rename elsewhere raced with a ".." in the walk
			fd, oerr = unix.Openat2(int(root), dir, how)
			if oerr != unix.EAGAIN && oerr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return nil, true, err
	}
	switch oerr {
	case nil:
		return &fdDir{fd: fd, dir: filepath.Join(r.name, dir)}, true, nil
	case unix.ENOSYS, unix.EPERM:
		r.off.Store(true)
		return nil, false, nil
	case unix.EXDEV:
		oerr = errEscapes
	}
	return nil, true, &fs.PathError{Op: "openat2", Path: dir, Err: oerr}
}

// fdDir is a dirHandle over a directory descriptor.
type fdDir struct {
	fd  int
	dir string // the directory's path, for file names and errors
}

func (h *fdDir) path(name string) string { return h.dir + "/" + name }

func (h *fdDir) create(name string, perm fs.FileMode) (*os.File, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Openat(h.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "openat", Path: h.path(name), Err: err}
	}
	// A blocking descriptor of a regular file: os.File does not try to
	// register it with the poller (one fcntl, no epoll_ctl).
	return os.NewFile(uintptr(fd), h.path(name)), nil
}

func (h *fdDir) isSymlink(name string) bool {
	var st unix.Stat_t
	err := retryEINTR(func() error { return unix.Fstatat(h.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) })
	return err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

func (h *fdDir) renameNew(old, new string) error {
	err := retryEINTR(func() error { return unix.Renameat2(h.fd, old, h.fd, new, unix.RENAME_NOREPLACE) })
	if err == unix.EINVAL || err == unix.ENOSYS {
		return fs.ErrExist // the filesystem cannot refuse a replace: the caller checks
	}
	return h.linkErr("renameat2", old, new, err)
}

func (h *fdDir) rename(old, new string) error {
	return h.linkErr("renameat", old, new, retryEINTR(func() error { return unix.Renameat(h.fd, old, h.fd, new) }))
}

func (h *fdDir) link(old, new string) error {
	return h.linkErr("linkat", old, new, retryEINTR(func() error { return unix.Linkat(h.fd, old, h.fd, new, 0) }))
}

func (h *fdDir) remove(name string) error {
	if err := retryEINTR(func() error { return unix.Unlinkat(h.fd, name, 0) }); err != nil {
		return &fs.PathError{Op: "unlinkat", Path: h.path(name), Err: err}
	}
	return nil
}

func (h *fdDir) sync() error {
	if err := retryEINTR(func() error { return unix.Fsync(h.fd) }); err != nil {
		return &fs.PathError{Op: "fsync", Path: h.dir, Err: err}
	}
	return nil
}

func (h *fdDir) close() { unix.Close(h.fd) }

func (h *fdDir) linkErr(op, old, new string, err error) error {
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: op, Old: h.path(old), New: h.path(new), Err: err}
}

func retryEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}
