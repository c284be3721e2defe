package storage

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
)

// FS returns a read-only io/fs view of the storage, so it works with
// http.FileServer (through http.FS), template.ParseFS, fs.WalkDir and
// fs.ReadFile. Every call uses ctx. Directories are implied by names
// ("a/b.txt" makes a directory "a"); the root is ".". Files implement
// io.Seeker and io.ReaderAt.
func (s *Storage) FS(ctx context.Context) fs.FS { return fsView{s, ctx} }

type fsView struct {
	s   *Storage
	ctx context.Context
}

var (
	_ fs.StatFS    = fsView{}
	_ fs.ReadDirFS = fsView{}
)

func (v fsView) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name != "." {
		r, err := v.s.Open(v.ctx, name)
		if err == nil {
			return &file{r}, nil
		}
		if !errors.Is(err, ErrNotExist) && !errors.Is(err, ErrInvalidName) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
	entries, err := v.readDir(name)
	if err != nil {
		return nil, err
	}
	return &dir{name: name, entries: entries}, nil
}

func (v fsView) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if name != "." {
		a, err := v.s.Stat(v.ctx, name)
		if err == nil {
			return fileInfo{name: path.Base(name), size: a.Size, mod: a.ModTime, attrs: a}, nil
		}
		if !errors.Is(err, ErrNotExist) && !errors.Is(err, ErrInvalidName) {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
	}
	if _, err := v.readDir(name); err != nil {
		return nil, err
	}
	return fileInfo{name: path.Base(name), dir: true}, nil
}

func (v fsView) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	return v.readDir(name)
}

// readDir lists one level under name; a directory with no entries does not
// exist.
func (v fsView) readDir(name string) ([]fs.DirEntry, error) {
	prefix := ""
	if name != "." {
		prefix = name + "/"
	}
	var out []fs.DirEntry
	for e, err := range v.s.List(v.ctx, prefix, ListOptions{OneLevel: true}) {
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
		}
		base := path.Base(strings.TrimSuffix(e.Name, "/"))
		out = append(out, fileInfo{name: base, size: e.Size, mod: e.ModTime, dir: e.IsDir})
	}
	if len(out) == 0 && name != "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return out, nil
}

// file is an object opened through the fs view.
type file struct{ *Reader }

func (f *file) Stat() (fs.FileInfo, error) {
	a := f.Attributes()
	return fileInfo{name: path.Base(f.Name()), size: a.Size, mod: a.ModTime, attrs: a}, nil
}

// dir is a directory opened through the fs view.
type dir struct {
	name    string
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return fileInfo{name: path.Base(d.name), dir: true}, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

// Seek lets http.FileServer treat a directory like a file.
func (d *dir) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && whence == io.SeekStart {
		d.off = 0
		return 0, nil
	}
	return 0, &fs.PathError{Op: "seek", Path: d.name, Err: fs.ErrInvalid}
}

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}

// fileInfo is both the fs.FileInfo and the fs.DirEntry of the view.
type fileInfo struct {
	name  string
	size  int64
	mod   time.Time
	dir   bool
	attrs *Attributes
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) ModTime() time.Time { return i.mod }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return i.attrs }
func (i fileInfo) Type() fs.FileMode  { return i.Mode().Type() }
func (i fileInfo) Info() (fs.FileInfo, error) {
	return i, nil
}
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) String() string { return fs.FormatFileInfo(i) }
