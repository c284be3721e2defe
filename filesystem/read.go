package filesystem

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/go-storages/storage"
)

// Read implements storage.Driver. A whole-object read returns the *os.File
// itself, so the portable reader seeks and reads at offsets in place and
// http.ServeContent can use sendfile; a range read returns a section of it.
func (d *Driver) Read(ctx context.Context, name string, req storage.ReadRequest) (io.ReadCloser, *storage.Attributes, error) {
	f, a, err := d.openObject(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if req.Offset == 0 && req.Length < 0 {
		return f, a, nil
	}
	offset := min(req.Offset, a.Size)
	n := a.Size - offset
	if req.Length >= 0 && req.Length < n {
		n = req.Length
	}
	return rangeReader{io.NewSectionReader(f, offset, n), f}, a, nil
}

// rangeReader exposes only Read and Close, so the portable reader does not
// take a section for the whole object.
type rangeReader struct {
	r io.Reader
	c io.Closer
}

func (r rangeReader) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r rangeReader) Close() error               { return r.c.Close() }

// openObject opens the file of the object name, and its attributes.
func (d *Driver) openObject(ctx context.Context, name string) (*os.File, *storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if err := checkName(name); err != nil {
		return nil, nil, err
	}
	f, err := d.openRead(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegular("open", name)
	}
	var a *storage.Attributes
	if err == nil {
		a, err = d.attributes(name, f, fi)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, a, nil
}

// Stat implements storage.Driver.
func (d *Driver) Stat(ctx context.Context, name string) (*storage.Attributes, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	return d.statFile(name)
}

// Delete implements storage.Driver. It removes the file, its sidecar and the
// directories left empty. A directory is not an object: deleting its name
// succeeds and changes nothing. A symlink whose target is outside the root
// is refused like any other access through it.
func (d *Driver) Delete(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	fi, err := d.root.Lstat(name)
	if err != nil {
		return err
	}
	switch {
	case fi.IsDir():
		return nil
	case fi.Mode()&fs.ModeSymlink != 0:
		if _, err := d.root.Stat(name); err != nil && !isNotExist(err) {
			return err
		}
	}
	mu := d.lock(name)
	mu.Lock()
	err = d.root.Remove(name)
	if err == nil {
		d.removeMeta(name)
	}
	mu.Unlock()
	if err != nil {
		return err
	}
	d.prune(path.Dir(name), ".")
	return nil
}

// Copy implements storage.Driver: a server-side copy into a temporary file
// next to dst (copy_file_range where the kernel has it, so filesystems with
// reflinks share the blocks), renamed over dst, or hard-linked under dst
// when exclusive (which fails atomically when dst is taken), with src's
// headers and metadata.
func (d *Driver) Copy(ctx context.Context, dst, src string, exclusive bool) error {
	if err := checkName(dst); err != nil {
		return err
	}
	in, a, err := d.openObject(ctx, src)
	if err != nil {
		return err
	}
	defer in.Close()
	w, err := d.createTemp(path.Dir(dst), d.cfg.FilePerm)
	if err != nil {
		return err
	}
	defer w.close()
	m := metaFrom(dst, a)
	err = d.fill(ctx, w, in, d.cfg.Fsync, m)
	if err == nil && exclusive {
		_, err = d.commitExclusive(w, dst, m, d.cfg.Fsync, nil)
	} else if err == nil {
		err = d.commitReplace(w, dst, m, d.cfg.Fsync)
	}
	if err != nil {
		d.discard(w)
	}
	return err
}
