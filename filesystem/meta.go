package filesystem

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path"

	"github.com/go-storages/storage"
)

// meta is an object's headers and user metadata, stored as JSON in the
// data file's extended attribute xattrName or, where the filesystem keeps
// none, in a sidecar file at metaPath(name).
//
// A sidecar also records its object's name and the data file's size and
// modification time: a sidecar that does not match the data file (left by
// a crash between the two steps of a sidecar commit, or by a concurrent
// overwrite from another process) is ignored. The attribute needs no such
// stamp: it belongs to the data file's inode and is committed with it.
type meta struct {
	Name               string            `json:"name,omitempty"`
	Size               int64             `json:"size,omitempty"`
	ModTimeNanos       int64             `json:"mtime_ns,omitempty"`
	ContentType        string            `json:"content_type,omitempty"`
	CacheControl       string            `json:"cache_control,omitempty"`
	ContentDisposition string            `json:"content_disposition,omitempty"`
	ContentEncoding    string            `json:"content_encoding,omitempty"`
	ContentLanguage    string            `json:"content_language,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

// newMeta returns the sidecar for a write, or nil when the file and its
// extension tell everything (the fast path: no sidecar).
func newMeta(name string, o *storage.WriteOptions) *meta {
	if o.CacheControl == "" && o.ContentDisposition == "" && o.ContentEncoding == "" &&
		o.ContentLanguage == "" && len(o.Metadata) == 0 &&
		(o.ContentType == "" || o.ContentType == defaultType(name)) {
		return nil
	}
	ct := o.ContentType
	if ct == defaultType(name) {
		ct = "" // what a read gives anyway; keeps the attribute small
	}
	return &meta{
		ContentType:        ct,
		CacheControl:       o.CacheControl,
		ContentDisposition: o.ContentDisposition,
		ContentEncoding:    o.ContentEncoding,
		ContentLanguage:    o.ContentLanguage,
		Metadata:           o.Metadata,
	}
}

// metaFrom returns a sidecar holding a's headers and metadata, or nil when
// none is needed for name.
func metaFrom(name string, a *storage.Attributes) *meta {
	return newMeta(name, &storage.WriteOptions{
		ContentType: a.ContentType, CacheControl: a.CacheControl, ContentDisposition: a.ContentDisposition,
		ContentEncoding: a.ContentEncoding, ContentLanguage: a.ContentLanguage, Metadata: a.Metadata,
	})
}

// defaultType is the content type of an object without a sidecar: by the
// name's extension, else application/octet-stream.
func defaultType(name string) string {
	if t := storage.TypeByExtension(name); t != "" {
		return t
	}
	return "application/octet-stream"
}

// metaPath returns where the sidecar of name lives: a directory named like
// the object under metaDir, holding a file with a reserved name. Object "a"
// and object "a.json/b" thus never compete for one path, and any valid
// segment fits.
func metaPath(name string) string {
	return metaDir + "/" + name + "/" + metaFile
}

// writeMeta stores m as the sidecar of name, stamped with the data file's
// fi, atomically (temporary file and rename).
func (d *Driver) writeMeta(name string, fi fs.FileInfo, m *meta, fsync bool) error {
	m.Name, m.Size, m.ModTimeNanos = name, fi.Size(), fi.ModTime().UnixNano()
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	dir := path.Dir(metaPath(name))
	d.hasMeta.Store(true)
	for range mkdirRetries {
		var retry bool
		if retry, err = d.writeMetaIn(dir, data, fsync); !retry {
			break
		}
	}
	if err != nil {
		d.prune(dir, ".")
	}
	return err
}

// writeMetaIn creates dir and writes data to a temporary file renamed to
// metaFile in it. Everything after MkdirAll goes through one handle on dir,
// so the temporary file, the rename and the sync resolve no path through the
// root again. It reports retry when a concurrent Delete pruned dir before
// the temporary file was in it.
func (d *Driver) writeMetaIn(dir string, data []byte, fsync bool) (retry bool, err error) {
	if err := d.mkdirAll(dir); err != nil {
		return raced(err), err
	}
	r, err := d.root.OpenRoot(dir)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist), err
	}
	defer r.Close()
	tmp := tmpName()
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, d.cfg.FilePerm)
	if err != nil {
		// ENOENT: dir was removed after OpenRoot.
		return errors.Is(err, fs.ErrNotExist), err
	}
	_, err = f.Write(data)
	if err == nil && fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = r.Rename(tmp, metaFile)
	}
	if err != nil {
		_ = r.Remove(tmp)
		return false, err
	}
	if fsync {
		return false, syncDir(r, ".")
	}
	return false, nil
}

// maxMetaSize bounds what is read of a sidecar.
const maxMetaSize = 1 << 20

// readMeta returns the sidecar of name when it matches the data file fi, or
// nil. A missing, unreadable as JSON or stale sidecar is ignored; other
// errors (permissions) are returned.
func (d *Driver) readMeta(name string, fi fs.FileInfo) (*meta, error) {
	data, err := d.root.ReadFile(metaPath(name))
	if err != nil {
		if isNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	if !d.hasMeta.Load() {
		d.hasMeta.Store(true) // written by another process since this driver started
	}
	var m meta
	if json.Unmarshal(data, &m) != nil || !m.matches(name, fi) {
		return nil, nil
	}
	return &m, nil
}

// matches reports whether a sidecar is the one of object name, data file fi.
func (m *meta) matches(name string, fi fs.FileInfo) bool {
	return m.Name == name && m.Size == fi.Size() && m.ModTimeNanos == fi.ModTime().UnixNano()
}

// removeMeta removes the sidecar of name, if any, and its empty directories.
func (d *Driver) removeMeta(name string) {
	if !d.hasMeta.Load() {
		return
	}
	p := metaPath(name)
	if err := d.root.Remove(p); err == nil {
		d.prune(path.Dir(p), ".")
	}
}

// storeXattr stores m in f's extended attribute, before f is committed, so
// the data and its metadata become visible together in one rename or link.
// It reports false (and no error) when the metadata must go to a sidecar
// instead: the filesystem keeps no user extended attributes (remembered, so
// later writes do not try again), or refuses this value (too large, or not
// permitted on this file).
func (d *Driver) storeXattr(f *os.File, m *meta) (bool, error) {
	if !d.xattrs() {
		return false, nil
	}
	data, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	err = setXattr(f, data)
	switch {
	case err == nil:
		return true, nil
	case xattrUnsupported(err):
		d.noXattr.Store(true)
		return false, nil
	case xattrRefused(err):
		return false, nil
	}
	return false, err
}

// xattrs reports whether writes try extended attributes.
func (d *Driver) xattrs() bool {
	return xattrsAvailable && !d.cfg.Sidecars && !d.noXattr.Load()
}

// readXattr returns the metadata in f's extended attribute, or nil. An
// attribute that is not valid JSON (not ours) is ignored.
func readXattr(f *os.File) (*meta, error) {
	data, err := getXattr(f)
	if err != nil || data == nil {
		return nil, err
	}
	var m meta
	if json.Unmarshal(data, &m) != nil {
		return nil, nil
	}
	return &m, nil
}

// attributes builds an object's attributes from its open file f (FileInfo
// fi): the extended attribute when the file has one, else a sidecar that
// matches it.
func (d *Driver) attributes(name string, f *os.File, fi fs.FileInfo) (*storage.Attributes, error) {
	a := &storage.Attributes{Size: fi.Size(), ModTime: fi.ModTime().UTC(), ETag: etag(fi)}
	m, err := readXattr(f)
	if err == nil && m == nil {
		// No attribute: a sidecar, from a filesystem without extended
		// attributes, an earlier version of the driver or Config.Sidecars.
		// Costs one failed open when the sidecar tree does not exist.
		m, err = d.readMeta(name, fi)
	}
	if err != nil {
		return nil, err
	}
	if m == nil {
		a.ContentType = defaultType(name)
		return a, nil
	}
	a.ContentType = m.ContentType
	if a.ContentType == "" {
		a.ContentType = defaultType(name)
	}
	a.CacheControl = m.CacheControl
	a.ContentDisposition = m.ContentDisposition
	a.ContentEncoding = m.ContentEncoding
	a.ContentLanguage = m.ContentLanguage
	a.Metadata = maps.Clone(m.Metadata)
	return a, nil
}

// openRead opens the file name read-only, following symlinks that stay
// inside the root. O_NONBLOCK keeps a FIFO in an object's place from
// blocking the open and means nothing for the regular files objects are
// (their reads never return EAGAIN); it also spares the four fcntl calls
// os.File otherwise makes around its attempt to register a new file with
// the poller.
func (d *Driver) openRead(name string) (*os.File, error) {
	return d.root.OpenFile(name, os.O_RDONLY|oNonblock, 0)
}

// statFile returns the attributes of the regular file name, following
// symlinks that stay inside the root. The file is opened to read its
// extended attribute.
func (d *Driver) statFile(name string) (*storage.Attributes, error) {
	f, err := d.openRead(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular("stat", name)
	}
	return d.attributes(name, f, fi)
}
