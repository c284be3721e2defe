package filesystem

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/go-storages/storage"
)

// List implements storage.Driver. It walks the tree lazily, one directory at
// a time, each sorted so that the names come out in byte order (a directory
// "a" sorts as "a/", after "a-b"). Temporary files, the sidecar tree,
// directories without objects and anything that is not a regular file are
// left out; symlinks to files inside the root are listed, symlinks to
// directories are not followed (no cycles), symlinks leaving the root are
// skipped.
func (d *Driver) List(ctx context.Context, prefix string, opts storage.ListOptions) iter.Seq2[storage.Entry, error] {
	return func(yield func(storage.Entry, error) bool) {
		dir, rest := "", prefix
		if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
			dir, rest = prefix[:i+1], prefix[i+1:]
		}
		if dir != "" && checkName(strings.TrimSuffix(dir, "/")) != nil {
			return // reserved or impossible directory: nothing there
		}
		w := walker{d: d, ctx: ctx, yield: yield, oneLevel: opts.OneLevel, start: storage.ListStart(prefix, opts)}
		w.walk(dir, rest)
	}
}

type walker struct {
	d        *Driver
	ctx      context.Context
	yield    func(storage.Entry, error) bool
	oneLevel bool
	start    string // skip names up to this one (storage.ListStart); "": none
}

// before reports whether every name at key (a file, or a directory's
// subtree when key ends in "/") sorts up to w.start, so the walk skips it
// without reading it.
func (w *walker) before(key string) bool {
	if w.start == "" || key > w.start {
		return false
	}
	return !strings.HasSuffix(key, "/") || !strings.HasPrefix(w.start, key)
}

// child is one entry of a directory, with its sort key.
type child struct {
	key   string // name, or name + "/" for a directory
	dir   bool
	entry storage.Entry
}

// walk lists dir ("" or ending in "/"), keeping the children whose key
// starts with filter. It returns false when the iteration must stop.
func (w *walker) walk(dir, filter string) bool {
	children, err := w.d.readDir(dir, filter)
	if err != nil {
		if isNotExist(err) {
			return true // the prefix has no objects, or a concurrent Delete pruned it
		}
		return w.yield(storage.Entry{}, err)
	}
	for _, c := range children {
		if err := w.ctx.Err(); err != nil {
			w.yield(storage.Entry{}, err)
			return false
		}
		if w.before(dir + c.key) {
			continue
		}
		switch {
		case !c.dir:
			if !w.yield(c.entry, nil) {
				return false
			}
		case w.oneLevel:
			if w.d.hasObject(dir + c.key) {
				if !w.yield(storage.Entry{Name: dir + c.key, IsDir: true}, nil) {
					return false
				}
			}
		default:
			if !w.walk(dir+c.key, "") {
				return false
			}
		}
	}
	return true
}

// readDir returns the objects and directories directly in dir whose key
// starts with filter, sorted by key.
func (d *Driver) readDir(dir, filter string) ([]child, error) {
	sub, err := d.openDir(dir)
	if err != nil {
		return nil, err
	}
	if sub != d.root {
		defer sub.Close()
	}
	f, err := sub.Open(".")
	if err != nil {
		return nil, err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	out := make([]child, 0, len(entries))
	for _, e := range entries {
		base := e.Name()
		if reserved(base) || !strings.HasPrefix(base, filter) && !strings.HasPrefix(base+"/", filter) {
			continue
		}
		var fi fs.FileInfo
		switch t := e.Type(); {
		case t.IsDir():
			if strings.HasPrefix(base+"/", filter) {
				out = append(out, child{key: base + "/", dir: true})
			}
			continue
		case t.IsRegular():
			fi, err = sub.Lstat(base)
		case t&fs.ModeSymlink != 0:
			fi, err = d.root.Stat(dir + base) // resolved inside the root, or an error
			if err == nil && !fi.Mode().IsRegular() {
				continue
			}
			if err != nil && !isNotExist(err) && storage.DriverKind(d, err) == storage.ErrPermission {
				continue // leaves the root: not an object of this storage
			}
		default:
			continue
		}
		if err != nil {
			if isNotExist(err) {
				continue // removed meanwhile
			}
			return nil, err
		}
		if !strings.HasPrefix(base, filter) {
			continue
		}
		out = append(out, child{key: base, entry: storage.Entry{
			Name: dir + base, Size: fi.Size(), ModTime: fi.ModTime().UTC(), ETag: etag(fi),
		}})
	}
	slices.SortFunc(out, func(a, b child) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// openDir returns dir as a root of its own, so the entries are stat'ed by
// their base name; the caller closes it unless it is d.root.
func (d *Driver) openDir(dir string) (*os.Root, error) {
	if dir == "" {
		return d.root, nil
	}
	return d.subRoot(dir)
}

// subRoot opens dir (ending in "/") as a root. os.Root reports a file in
// its place with an error of its own; it becomes ENOTDIR here.
func (d *Driver) subRoot(dir string) (*os.Root, error) {
	r, err := d.root.OpenRoot(strings.TrimSuffix(dir, "/"))
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Err.Error() == "not a directory" {
		pe.Err = syscall.ENOTDIR
	}
	return r, err
}

// hasObject reports whether dir (ending in "/") holds at least one object,
// at any depth; it stops at the first one. Unreadable directories count as
// non-empty, so their errors show when they are listed.
func (d *Driver) hasObject(dir string) bool {
	sub, err := d.subRoot(dir)
	if err != nil {
		return !isNotExist(err)
	}
	defer sub.Close()
	f, err := sub.Open(".")
	if err != nil {
		return !isNotExist(err)
	}
	defer f.Close()
	for {
		entries, err := f.ReadDir(64)
		for _, e := range entries {
			base := e.Name()
			if reserved(base) {
				continue
			}
			switch t := e.Type(); {
			case t.IsRegular():
				return true
			case t.IsDir():
				if d.hasObject(dir + base + "/") {
					return true
				}
			case t&fs.ModeSymlink != 0:
				if fi, err := d.root.Stat(dir + base); err == nil && fi.Mode().IsRegular() {
					return true
				}
			}
		}
		if err == io.EOF {
			return false
		}
		if err != nil {
			return true
		}
	}
}
