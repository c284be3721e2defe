package filesystem

import (
	"io/fs"
	"os"
)

// dirHandle is an open directory in which a write creates its temporary
// file and commits it: every name it takes is a single segment in that
// directory, so no step resolves a path through the root again.
//
// Two implementations: rootDir (an os.Root, every platform) and, on Linux,
// fdDir (a descriptor opened with openat2 and RESOLVE_BENEATH, which
// confines the walk in one syscall where os.Root makes two per segment, and
// whose creates and renames are single syscalls).
type dirHandle interface {
	// create creates name exclusively (O_EXCL), write-only.
	create(name string, perm fs.FileMode) (*os.File, error)
	// isSymlink reports whether name is a symbolic link (not followed).
	isSymlink(name string) bool
	// renameNew renames old to new when new does not exist; it fails with
	// an error matching fs.ErrExist when new exists, or when the
	// filesystem cannot tell (then the caller checks and renames).
	renameNew(old, new string) error
	// rename renames old over new.
	rename(old, new string) error
	link(old, new string) error
	remove(name string) error
	sync() error
	close()
}

// writeDir opens dir ("." for the root) as a dirHandle: through openat2
// where the kernel has it, else as an os.Root.
func (d *Driver) writeDir(dir string) (dirHandle, error) {
	if h, ok, err := d.fast.open(dir); ok {
		return h, err
	}
	if dir == "." {
		return rootDir{r: d.root}, nil
	}
	r, err := d.subRoot(dir)
	if err != nil {
		return nil, err
	}
	return rootDir{r: r, owned: true}, nil
}

// rootDir is a dirHandle over an os.Root.
type rootDir struct {
	r     *os.Root
	owned bool // r is closed with the handle (false for the driver's root)
}

func (h rootDir) create(name string, perm fs.FileMode) (*os.File, error) {
	// O_NONBLOCK means nothing for a regular file (it is created here, so
	// it is one) but spares the four fcntl calls os.File otherwise makes
	// around its attempt to register a new file with the poller.
	return h.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNonblock, perm)
}

func (h rootDir) isSymlink(name string) bool {
	fi, err := h.r.Lstat(name)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// renameNew: os.Root has no rename that refuses an existing target; report
// "exists" so that the caller checks the target and renames.
func (h rootDir) renameNew(string, string) error { return fs.ErrExist }

func (h rootDir) rename(old, new string) error { return h.r.Rename(old, new) }
func (h rootDir) link(old, new string) error   { return h.r.Link(old, new) }
func (h rootDir) remove(name string) error     { return h.r.Remove(name) }
func (h rootDir) sync() error                  { return syncDir(h.r, ".") }

func (h rootDir) close() {
	if h.owned {
		h.r.Close()
	}
}
