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
	w, err := d.createTemp(path.Dir(name), perm)
	if err != nil {
		return "", err
	}
	defer w.close()
	m := newMeta(name, opts)
	err = d.fill(ctx, w, r, fsync, m)
	if err == nil && opts.BeforeCommit != nil {
		err = opts.BeforeCommit()
	}
	if err == nil {
		if !opts.Exclusive && next == nil {
			err = d.commitReplace(w, name, m, fsync)
		} else {
			name, err = d.commitExclusive(w, name, m, fsync, next)
		}
	}
	if err != nil {
		d.discard(w)
		return "", err
	}
	return name, nil
}

// tempFile is a write in progress: a temporary file in dir, created,
// filled and committed through one handle on dir, so that no step after
// opening dir resolves a path through the root again.
type tempFile struct {
	dir     string    // the directory, "." for the root
	dr      dirHandle // a handle on dir
	tmp     string    // the temporary file's name in dir
	f       *os.File  // open until fill returns
	fi      fs.FileInfo
	inXattr bool // the metadata went to the file's extended attribute
}

func (w *tempFile) close() { w.dr.close() }

// createTemp opens dir and creates an empty temporary file in it. It tries
// first and walks dir with MkdirAll only when dir is missing: most writes go
// to a directory that exists, and MkdirAll costs a syscall or two per path
// segment. A directory pruned by a concurrent Delete in between (after
// MkdirAll, or after it was opened) is created again.
func (d *Driver) createTemp(dir string, perm fs.FileMode) (*tempFile, error) {
	var err error
	for i := range mkdirRetries {
		if i > 0 {
			if err = d.mkdirAll(dir); err != nil {
				if raced(err) {
					continue
				}
				return nil, err
			}
		}
		var dr dirHandle
		dr, err = d.writeDir(dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, d.dirErr(dir, err)
		}
		w := &tempFile{dir: dir, dr: dr, tmp: tmpName()}
		w.f, err = dr.create(w.tmp, perm)
		if err == nil {
			return w, nil
		}
		w.close()
		if !errors.Is(err, fs.ErrNotExist) { // ENOENT: dir was removed after it was opened
			return nil, d.dirErr(dir, err)
		}
	}
	return nil, err
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

// fill copies r into w's file, checking ctx between writes, stores m (when
// not nil) in the file's extended attribute where the filesystem allows,
// optionally syncs, and closes the file. It records the file's final
// FileInfo in w when m goes to a sidecar.
func (d *Driver) fill(ctx context.Context, w *tempFile, r io.Reader, fsync bool, m *meta) error {
	f := w.f
	w.f = nil
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
	if err == nil && m != nil {
		w.inXattr, err = d.storeXattr(f, m)
	}
	if err == nil && m != nil && !w.inXattr {
		w.fi, err = f.Stat() // the sidecar is stamped with it
	}
	if err == nil && fsync {
		err = f.Sync() // the data and the extended attribute
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
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
func (d *Driver) discard(w *tempFile) {
	_ = w.dr.remove(w.tmp)
	d.prune(w.dir, ".")
}

// commitReplace renames w's file over name (in w.dir), then writes the
// sidecar or removes a previous one. A name that does not exist yet (the
// common case) is taken with a rename that refuses to replace, which needs
// no look at the name first.
func (d *Driver) commitReplace(w *tempFile, name string, m *meta, fsync bool) error {
	base := path.Base(name)
	mu := d.lock(name)
	mu.Lock()
	defer mu.Unlock()
	err := w.dr.renameNew(w.tmp, base)
	if errors.Is(err, fs.ErrExist) {
		if w.dr.isSymlink(base) {
			// Replacing a symlink would not follow it, but a symlink out of
			// the root is refused for every operation alike.
			if _, err := d.root.Stat(name); err != nil && !isNotExist(err) {
				return err
			}
		}
		err = w.dr.rename(w.tmp, base)
	}
	if err != nil {
		return err
	}
	if fsync {
		if err := w.dr.sync(); err != nil {
			return err
		}
	}
	if m == nil || w.inXattr {
		d.removeMeta(name) // a sidecar of an earlier version would be ignored, but would stay
		return nil
	}
	return d.writeMeta(name, w.fi, m, fsync)
}

// commitExclusive links w's file under name, asking onConflict (nil: fail
// with the ErrExist) for another name while the name is taken, then removes
// the temporary file and writes the sidecar. It returns the name the object
// was committed under. A name in w.dir is linked through w's handle; a name
// elsewhere (onConflict may change the directory) through the root.
func (d *Driver) commitExclusive(w *tempFile, name string, m *meta, fsync bool, onConflict func(string) (string, error)) (string, error) {
	for retries := 0; ; {
		dir := path.Dir(name)
		if dir != w.dir {
			if err := d.mkdirAll(dir); err != nil && !raced(err) {
				return "", err
			}
		}
		mu := d.lock(name)
		mu.Lock()
		var err error
		if dir == w.dir {
			err = w.dr.link(w.tmp, path.Base(name))
		} else {
			err = d.root.Link(path.Join(w.dir, w.tmp), name)
		}
		if err == nil {
			err = d.afterLink(w, name, m, fsync)
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
		case errors.Is(err, fs.ErrNotExist) && dir != w.dir && retries < mkdirRetries:
			// The other directory was pruned by a concurrent Delete: retry.
			retries++
		default:
			return "", err
		}
	}
}

// afterLink finishes an exclusive commit. When the sidecar cannot be written
// the new object is removed again, so a failed Save leaves nothing.
func (d *Driver) afterLink(w *tempFile, name string, m *meta, fsync bool) error {
	_ = w.dr.remove(w.tmp)
	if fsync {
		var err error
		if dir := path.Dir(name); dir == w.dir {
			err = w.dr.sync()
		} else {
			err = d.syncDir(dir)
		}
		if err != nil {
			_ = d.root.Remove(name)
			return err
		}
	}
	if m == nil || w.inXattr {
		d.removeMeta(name) // an orphan left by a crash: ignored, but it would stay
		return nil
	}
	if err := d.writeMeta(name, w.fi, m, fsync); err != nil {
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
