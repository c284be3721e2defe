package filesystem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
	"syscall"

	"github.com/go-storages/storage"
)

// mkdirRetries bounds how often a write recreates a directory that a
// concurrent Delete pruned between MkdirAll and the next step.
const mkdirRetries = 100

// Write implements storage.Driver. The body goes to a temporary file in the
// target directory; the file is renamed into place (replace) or hard-linked
// under its name, which fails atomically when the name is taken (exclusive
// create), so no partial object is ever visible.
func (d *Driver) Write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions) error {
	_, err := d.write(ctx, name, r, opts, nil)
	return err
}

// WriteRenaming implements storage.RenamingWriter: the temporary file is
// hard-linked under each name next gives until one is free, so a taken
// name costs no second copy of the body.
func (d *Driver) WriteRenaming(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions, next func(string) (string, error)) (string, error) {
	return d.write(ctx, name, r, opts, next)
}

func (d *Driver) write(ctx context.Context, name string, r io.Reader, opts *storage.WriteOptions, next func(string) (string, error)) (string, error) {
	if opts.Public {
		return "", fmt.Errorf("%w: the filesystem driver has no public objects", storage.ErrUnsupported)
	}
	fsync, perm := d.cfg.Fsync, d.cfg.FilePerm
	o, err := storage.OptionsFor[*SaveOptions]("filesystem", opts.DriverOptions)
	if err != nil {
		return "", err
	}
	if o != nil {
		fsync = fsync || o.Fsync
		if o.FilePerm != 0 {
			if o.FilePerm&^fs.ModePerm != 0 {
				return "", fmt.Errorf("%w: SaveOptions.FilePerm takes permission bits only", storage.ErrInvalidArgument)
			}
			perm = o.FilePerm
		}
	}
	if err := checkName(name); err != nil {
		return "", err
	}
	dir := path.Dir(name)
	f, tmp, err := d.createTemp(dir, perm)
	if err != nil {
		return "", err
	}
	fi, err := d.fill(ctx, f, r, fsync)
	if err == nil && opts.BeforeCommit != nil {
		err = opts.BeforeCommit()
	}
	if err != nil {
		d.discard(tmp)
		return "", err
	}
	m := newMeta(name, opts)
	if !opts.Exclusive && next == nil {
		err = d.commitReplace(tmp, name, fi, m, fsync)
	} else {
		name, err = d.commitExclusive(tmp, name, fi, m, fsync, next)
	}
	if err != nil {
		d.discard(tmp)
		return "", err
	}
	return name, nil
}

// createTemp creates an empty temporary file in dir. It tries the create
// first and walks dir with MkdirAll only when that fails for a missing
// directory: most writes go to a directory that exists, and MkdirAll costs a
// syscall or two per path segment. A directory pruned by a concurrent Delete
// in between is created again.
func (d *Driver) createTemp(dir string, perm fs.FileMode) (*os.File, string, error) {
	var err error
	for i := range mkdirRetries {
		if i > 0 {
			if err = d.mkdirAll(dir); err != nil {
				if raced(err) {
					continue
				}
				return nil, "", err
			}
		}
		tmp := path.Join(dir, tmpName())
		var f *os.File
		f, err = d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return f, tmp, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", d.dirErr(dir, err)
		}
	}
	return nil, "", err
}

func (d *Driver) mkdirAll(dir string) error {
	if dir == "." {
		return nil
	}
	return d.dirErr(dir, d.root.MkdirAll(dir, d.cfg.DirPerm))
}

// dirErr reports ENOTDIR while creating something in dir as ErrExist: a file
// holds a segment of the path, and the name cannot be stored while that
// object exists.
func (d *Driver) dirErr(dir string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("%w: a file exists where %q needs a directory: %w", storage.ErrExist, dir, err)
	}
	return err
}

// raced reports whether MkdirAll failed because a concurrent Delete pruned
// a directory while it walked down (ENOENT), or right after it found the
// directory existing (a bare EEXIST).
func raced(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EEXIST)
}

func tmpName() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return tmpPrefix + hex.EncodeToString(b[:])
}

// fill copies r into f, checking ctx between writes, optionally syncs, and
// closes f. It returns f's final FileInfo.
func (d *Driver) fill(ctx context.Context, f *os.File, r io.Reader, fsync bool) (fs.FileInfo, error) {
	var err error
	switch src := r.(type) {
	case *os.File:
		err = copyFile(ctx, f, src)
	case io.WriterTo: // bytes.Reader and friends: no buffer needed
		_, err = src.WriteTo(ctxWriter{ctx, f})
	default:
		bp := bufPool.Get().(*[]byte)
		_, err = io.CopyBuffer(ctxWriter{ctx, f}, r, *bp)
		bufPool.Put(bp)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil && fsync {
		err = f.Sync()
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return fi, err
}

const (
	copyBufSize = 1 << 20 // buffer for readers without WriteTo
	writeChunk  = 8 << 20 // ctx is checked at least every writeChunk bytes
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// ctxWriter writes to a file in chunks, stopping when ctx is done. It
// deliberately has no ReadFrom, so io.CopyBuffer keeps calling Write.
type ctxWriter struct {
	ctx context.Context
	f   *os.File
}

func (w ctxWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if err := w.ctx.Err(); err != nil {
			return n, err
		}
		c := min(len(p), writeChunk)
		m, err := w.f.Write(p[:c])
		n += m
		if err != nil {
			return n, err
		}
		p = p[c:]
	}
	return n, nil
}

// copyFile copies the rest of src to dst in chunks, checking ctx between
// them. *os.File.ReadFrom uses copy_file_range or sendfile where it can.
func copyFile(ctx context.Context, dst, src *os.File) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.CopyN(dst, src, writeChunk)
		if err == io.EOF || err == nil && n < writeChunk {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// discard removes a temporary file and the directories left empty.
func (d *Driver) discard(tmp string) {
	_ = d.root.Remove(tmp)
	d.prune(path.Dir(tmp), ".")
}

// commitReplace renames tmp over name, then writes or removes the sidecar.
func (d *Driver) commitReplace(tmp, name string, fi fs.FileInfo, m *meta, fsync bool) error {
	if fi, err := d.root.Lstat(name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// Replacing a symlink would not follow it, but a symlink out of the
		// root is refused for every operation alike.
		if _, err := d.root.Stat(name); err != nil && !isNotExist(err) {
			return err
		}
	}
	mu := d.lock(name)
	mu.Lock()
	defer mu.Unlock()
	if err := d.root.Rename(tmp, name); err != nil {
		return err
	}
	if fsync {
		if err := d.syncDir(path.Dir(name)); err != nil {
			return err
		}
	}
	if m == nil {
		d.removeMeta(name)
		return nil
	}
	return d.writeMeta(name, fi, m, fsync)
}

// commitExclusive links tmp under name, asking onConflict (nil: fail with
// the ErrExist) for another name while the name is taken, then removes tmp
// and writes the sidecar. It returns the name the object was committed
// under.
func (d *Driver) commitExclusive(tmp, name string, fi fs.FileInfo, m *meta, fsync bool, onConflict func(string) (string, error)) (string, error) {
	tmpDir := path.Dir(tmp)
	for retries := 0; ; {
		dir := path.Dir(name)
		if dir != tmpDir {
			if err := d.mkdirAll(dir); err != nil && !raced(err) {
				return "", err
			}
		}
		mu := d.lock(name)
		mu.Lock()
		err := d.root.Link(tmp, name)
		if err == nil {
			err = d.afterLink(tmp, name, fi, m, fsync)
			mu.Unlock()
			return name, err
		}
		mu.Unlock()
		switch {
		case errors.Is(err, fs.ErrExist) && onConflict == nil:
			return "", err
		case errors.Is(err, fs.ErrExist):
			if name, err = onConflict(name); err != nil {
				return "", err
			}
			if err := checkName(name); err != nil {
				return "", err
			}
		case errors.Is(err, fs.ErrNotExist) && dir != tmpDir && retries < mkdirRetries:
			// The other directory was pruned by a concurrent Delete: retry.
			retries++
		default:
			return "", err
		}
	}
}

// afterLink finishes an exclusive commit. When the sidecar cannot be written
// the new object is removed again, so a failed Save leaves nothing.
func (d *Driver) afterLink(tmp, name string, fi fs.FileInfo, m *meta, fsync bool) error {
	_ = d.root.Remove(tmp)
	if fsync {
		if err := d.syncDir(path.Dir(name)); err != nil {
			_ = d.root.Remove(name)
			return err
		}
	}
	if m == nil {
		return nil
	}
	if err := d.writeMeta(name, fi, m, fsync); err != nil {
		_ = d.root.Remove(name)
		d.prune(path.Dir(name), ".")
		return err
	}
	return nil
}

func (d *Driver) syncDir(dir string) error {
	return syncDir(d.root, dir)
}

func syncDir(root *os.Root, dir string) error {
	f, err := root.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// prune removes dir and its parents while they are empty, stopping at stop
// (exclusive) or at anything that is not a plain directory, so the tree
// behaves like an object store where directories exist only through their
// objects. A concurrent write that loses its directory creates it again.
func (d *Driver) prune(dir, stop string) {
	for dir != stop && dir != "." && dir != "/" {
		fi, err := d.root.Lstat(dir)
		if err != nil || !fi.IsDir() {
			return
		}
		if err := d.root.Remove(dir); err != nil {
			return
		}
		dir = path.Dir(dir)
	}
}
