package filesystem

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/go-storages/storage"
)

// Config configures a filesystem driver.
type Config struct {
	// Root is the directory that holds the objects. It is created (with
	// DirPerm) when missing. Required.
	Root string
	// Fsync, when true, flushes every written file (before it is committed)
	// and the directory entry that commits it (after) to stable storage
	// before Save returns, so a committed object survives a power loss and a
	// partial one never appears after it. Off by default: a process crash
	// still never leaves a partial object visible (the page cache survives
	// it), but after a power loss or kernel crash recent objects may be
	// missing, and whether a recently committed object can show up empty or
	// truncated depends on the filesystem (ext4's default auto_da_alloc
	// flushes a file renamed over an existing one; others promise less).
	Fsync bool `url:"fsync"`
	// DirPerm is the permission of the directories the driver creates
	// (before the umask). Zero means 0o755.
	DirPerm fs.FileMode `url:"dir_perm|dir_file_mode"`
	// FilePerm is the permission of the files the driver creates (before
	// the umask). Zero means 0o644.
	FilePerm fs.FileMode `url:"file_perm"`
	// Sidecars keeps content types, the other headers and user metadata in
	// JSON sidecar files under .storage-meta/ even where the filesystem has
	// extended attributes. Off by default: on Linux they go in the data
	// file's extended attribute user.go-storages.meta, committed with the
	// data, and in sidecars only where the filesystem refuses that
	// attribute (see the package documentation). Turn it on when the
	// directory is copied or backed up by tools that drop extended
	// attributes (rsync without -X, tar without --xattrs, cp without -a or
	// --preserve=xattr): sidecars are plain files and travel with the tree.
	Sidecars bool `url:"sidecars"`
}

// DriverName implements storage.DriverOptions: "filesystem". Other drivers
// ignore these options.
func (*SaveOptions) DriverName() string { return "filesystem" }

// SaveOptions are the filesystem driver's own options for one Save, passed
// as storage.SaveOptions.DriverOptions (a *SaveOptions; see
// storage.OptionsFor).
type SaveOptions struct {
	// Fsync flushes this object to stable storage even when Config.Fsync
	// is off.
	Fsync bool
	// FilePerm overrides Config.FilePerm for this object when non-zero.
	FilePerm fs.FileMode
}

// New returns a storage over the directory root, with the default Config.
func New(root string, opts ...storage.Option) (*storage.Storage, error) {
	return NewWithConfig(Config{Root: root}, opts...)
}

// NewWithConfig returns a storage over cfg.Root.
func NewWithConfig(cfg Config, opts ...storage.Option) (*storage.Storage, error) {
	d, err := NewDriver(cfg)
	if err != nil {
		return nil, err
	}
	st, err := storage.New(d, opts...)
	if err != nil {
		d.Close()
		return nil, err
	}
	return st, nil
}

// Driver implements storage.Driver over a directory. It is safe for
// concurrent use, also by several processes sharing the directory.
type Driver struct {
	root  *os.Root
	fast  fastRoot // writes open their directory through openat2 (Linux)
	cfg   Config
	seed  maphash.Seed
	locks [64]sync.Mutex // per-name commit locks (data file + sidecar), by hash
	// hasMeta is false while the sidecar tree is known not to exist (not at
	// start, none written since), so removing a sidecar costs no syscall.
	// Sidecars another process writes meanwhile are still safe: a sidecar
	// that does not match its file is ignored.
	hasMeta atomic.Bool
	// noXattr is set when the filesystem refused an extended attribute as
	// unsupported: later writes go straight to sidecars.
	noXattr atomic.Bool
}

// NewDriver opens (creating it when missing) the root directory.
func NewDriver(cfg Config) (*Driver, error) {
	if cfg.Root == "" {
		return nil, fmt.Errorf("filesystem: %w: Config.Root is empty", storage.ErrInvalidArgument)
	}
	if cfg.DirPerm == 0 {
		cfg.DirPerm = 0o755
	}
	if cfg.FilePerm == 0 {
		cfg.FilePerm = 0o644
	}
	if cfg.DirPerm&^fs.ModePerm != 0 || cfg.FilePerm&^fs.ModePerm != 0 {
		return nil, fmt.Errorf("filesystem: %w: DirPerm and FilePerm take permission bits only", storage.ErrInvalidArgument)
	}
	if err := os.MkdirAll(cfg.Root, cfg.DirPerm); err != nil {
		return nil, fmt.Errorf("filesystem: %w", err)
	}
	root, err := os.OpenRoot(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("filesystem: %w", err)
	}
	d := &Driver{root: root, cfg: cfg, seed: maphash.MakeSeed()}
	d.fast.init(root)
	if _, err := root.Lstat(metaDir); !isNotExist(err) {
		d.hasMeta.Store(true)
	}
	return d, nil
}

// Root returns the root directory's path as given in Config.Root.
func (d *Driver) Root() string { return d.cfg.Root }

// Capabilities implements storage.Driver. Signed URLs come from
// storage.WithSigner (package hmacurl), not from the driver.
func (d *Driver) Capabilities() storage.Capabilities {
	return storage.Capabilities{
		ConditionalCreate: true,
		ServerSideCopy:    true,
		Metadata:          true,
	}
}

// SignedURL implements storage.Driver: the filesystem has no native signing,
// so it returns ErrUnsupported; use storage.WithSigner with an hmacurl
// signer.
func (d *Driver) SignedURL(context.Context, string, storage.SignOptions) (string, error) {
	return "", storage.ErrUnsupported
}

// Close implements storage.Driver: it closes the root directory; later calls
// fail.
func (d *Driver) Close() error {
	d.fast.close()
	return d.root.Close()
}

func (d *Driver) lock(name string) *sync.Mutex {
	return &d.locks[maphash.String(d.seed, name)%uint64(len(d.locks))]
}

// errEscapesText is what os.Root reports (as an unexported error) when a name or
// a symlink would leave the root; ErrorKind matches it by its text.
const errEscapesText = "path escapes from parent"

// ErrorKind implements storage.Driver: it maps the operating system's errors
// to the storage sentinels. The *fs.PathError stays reachable with errors.As.
func (d *Driver) ErrorKind(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOENT, syscall.ENOTDIR:
			return storage.ErrNotExist
		case syscall.EEXIST, syscall.ENOTEMPTY, syscall.EISDIR:
			return storage.ErrExist
		case syscall.EACCES, syscall.EPERM, syscall.EROFS:
			return storage.ErrPermission
		case syscall.ENAMETOOLONG:
			return storage.ErrInvalidName
		case syscall.ELOOP:
			return storage.ErrPermission
		}
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == errEscapesText {
		return storage.ErrPermission
	}
	return nil // fs.ErrNotExist and the like: the portable layer maps them
}

// Reserved names. Every segment starting with reservedPrefix belongs to the
// driver: temporary files (tmpPrefix) in each directory and the sidecar tree
// (metaDir) at the root.
const (
	reservedPrefix = ".storage-"
	tmpPrefix      = ".storage-tmp-"
	metaDir        = ".storage-meta"
	metaFile       = ".storage-meta.json"
	maxSegment     = 255 // NAME_MAX on Linux, macOS and the BSDs
)

// checkName rejects the names the driver reserves and segments the
// filesystem cannot hold, before any byte is read.
func checkName(name string) error {
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, reservedPrefix) {
			return fmt.Errorf("%w: segments starting with %q are reserved by the filesystem driver: %q",
				storage.ErrInvalidName, reservedPrefix, name)
		}
		if len(seg) > maxSegment {
			return fmt.Errorf("%w: a path segment is longer than %d bytes", storage.ErrInvalidName, maxSegment)
		}
	}
	return nil
}

func reserved(base string) bool { return strings.HasPrefix(base, reservedPrefix) }

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// notRegular is the error for a name that exists but is not a regular file
// (a directory, a device): not an object.
func notRegular(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: syscall.ENOENT}
}
