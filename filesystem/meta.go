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

// meta is the JSON sidecar of one object, kept at metaPath(name). It records
// the data file's size and modification time: a sidecar that does not match
// the data file (left by a crash between the two steps of a commit, or by a
// concurrent overwrite from another process) is ignored.
type meta struct {
	Name               string            `json:"name"`
	Size               int64             `json:"size"`
	ModTimeNanos       int64             `json:"mtime_ns"`
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
	return &meta{
		ContentType:        o.ContentType,
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
	var m meta
	if json.Unmarshal(data, &m) != nil || m.Name != name || m.Size != fi.Size() || m.ModTimeNanos != fi.ModTime().UnixNano() {
		return nil, nil
	}
	return &m, nil
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

// attributes builds an object's attributes from its file and sidecar.
func (d *Driver) attributes(name string, fi fs.FileInfo) (*storage.Attributes, error) {
	a := &storage.Attributes{Size: fi.Size(), ModTime: fi.ModTime().UTC(), ETag: etag(fi)}
	m, err := d.readMeta(name, fi)
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

// statObject returns the FileInfo of the regular file name, following
// symlinks that stay inside the root.
func (d *Driver) statObject(name string) (fs.FileInfo, error) {
	fi, err := d.root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular("stat", name)
	}
	return fi, nil
}
